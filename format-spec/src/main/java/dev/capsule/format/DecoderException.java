package dev.capsule.format;

/**
 * A decoder module failed: it reported an error, trapped, exceeded a limit, or produced output that
 * breaks the ABI. The file may be intact; the decoder cannot be trusted with it.
 */
public class DecoderException extends CapsuleFormatException {
  public DecoderException(Location location, String message) {
    super(location, message);
  }

  public DecoderException(Location location, String message, Throwable cause) {
    super(location, message, cause);
  }
}
