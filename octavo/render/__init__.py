"""Rendering: Node trees and templates to HTML, with per-format note rules."""
