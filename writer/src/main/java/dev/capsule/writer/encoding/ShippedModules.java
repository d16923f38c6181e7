package dev.capsule.writer.encoding;

import dev.capsule.decoders.ShippedDecoders;

/** The one place the writer fetches the decoder modules the project ships. */
final class ShippedModules {
  private ShippedModules() {}

  static byte[] bytes(String module) {
    return ShippedDecoders.bytes(module);
  }
}
