"""Writers: each turns a ``Book`` into one output file."""
