package dev.capsule.writer.encoding;

import dev.capsule.decoders.ShippedDecoders;

/**
 * An encoding whose decoder module ships with the project: named "capsule." + its module, and the
 * one place the writer fetches shipped module bytes.
 */
abstract class ShippedEncoding implements Encoding {
  private final String module;
  private final String name;

  ShippedEncoding(String module) {
    this.module = module;
    this.name = "capsule." + module;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String decoderModule() {
    return module;
  }

  @Override
  public final String decoderName() {
    return name;
  }

  @Override
  public final byte[] decoderModuleBytes() {
    return ShippedDecoders.bytes(module);
  }

  @Override
  public final int decoderAbiVersion() {
    return ShippedDecoders.abiVersion(module);
  }
}
