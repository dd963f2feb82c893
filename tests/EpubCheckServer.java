import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * EPUBCheck's command line (EpubChecker.run, what its main method calls) once per line of stdin,
 * the arguments separated by tabs, in one JVM: tests/conftest.py starts it once per session.
 * Answers "EXIT LENGTH\n", then LENGTH bytes of what EPUBCheck wrote on stdout, then "\n".
 */
public class EpubCheckServer {
  public static void main(String[] ignored) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(OutputStream.nullOutputStream()));
      int code;
      try {
        code = new EpubChecker().run(line.split("\t"));
      } catch (Throwable t) {
        code = -1;
      } finally {
        System.out.flush();
        System.setOut(out);
        System.setErr(err);
      }
      byte[] data = buffer.toByteArray();
      out.println(code + " " + data.length);
      out.write(data);
      out.println();
      out.flush();
    }
  }
}
