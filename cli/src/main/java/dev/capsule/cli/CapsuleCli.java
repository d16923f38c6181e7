package dev.capsule.cli;

import dev.capsule.format.CapsuleFormatException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code capsule} command. */
@Command(
    name = "capsule",
    mixinStandardHelpOptions = true,
    version = "capsule 0.1.0 (format 1, decoder ABI 1)",
    description = "Capsule: a columnar file format whose column chunks carry their own WebAssembly decoders.",
    subcommands = {DemoCommand.class, ConvertCommand.class, VerifyCommand.class, InspectCommand.class,
        CatCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class CapsuleCli {
  /** Standard output as bytes, for binary output such as an Arrow IPC stream. */
  final OutputStream stdout;

  private CapsuleCli(OutputStream stdout) {
    this.stdout = stdout;
  }

  public static void main(String[] args) {
    System.exit(run(new FileOutputStream(FileDescriptor.out), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; text and binary output go to stdout, messages to err. */
  static int run(OutputStream stdout, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new CapsuleCli(stdout));
    cli.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // Expected failures (bad files, missing files) get one clear line, not a stack trace.
      if (e instanceof CapsuleFormatException || e instanceof NoSuchFileException) {
        commandLine.getErr().println("capsule: " + describe(e));
        return 2;
      }
      if (e instanceof IOException || e instanceof IllegalArgumentException) {
        commandLine.getErr().println("capsule: " + describe(e));
        return 1;
      }
      throw e;
    });
    int code = cli.execute(args);
    cli.getOut().flush();
    return code;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + ((NoSuchFileException) e).getFile();
    }
    return e.getMessage();
  }
}
