package dev.capsule.bench.decode;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.writer.encoding.Encoding;
import dev.capsule.writer.encoding.EncodingSelector;

/**
 * One column chunk of the decode benchmarks, named "type/encoding" (e.g. "int32/ree"): seeded values
 * of the type in the shape that suits the encoding, encoded by the writer's own encoder.
 *
 * @param decodedBytes bytes of the Arrow output without validity: rows × width for fixed-width types;
 *     4 bytes of offset per row plus the string bytes for utf8
 */
public record DecodeCase(ValueType type, Encoding encoding, int rows, byte[] chunk, long decodedBytes) {
  public static final long SEED = 20_260_401L;

  /** Every case the benchmark knows, as "type/module". */
  public static final String[] ALL = {
    "int32/plain", "int32/ree", "int32/bitpack", "int32/dict",
    "int64/plain", "int64/ree", "int64/bitpack", "int64/dict",
    "double/plain", "double/ree", "double/dict",
    "utf8/plain", "utf8/ree", "utf8/dict",
    "int32/parquet", "int64/parquet", "double/parquet", "utf8/parquet",
  };

  public static DecodeCase create(String name, int rows) {
    int slash = name.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("decode case '" + name + "' is not of the form type/encoding, e.g. int32/ree");
    }
    ValueType type = ValueType.parse(name.substring(0, slash));
    Encoding encoding = EncodingSelector.builtIn().encoding("capsule." + name.substring(slash + 1));
    ColumnValues values = ColumnGenerator.generate(type, Shape.suiting(encoding.name(), type), rows, 0, SEED);
    byte[] chunk = EncodingSelector.builtIn().force(encoding.name(), values).bytes();
    long decoded = type.layout().isFixedWidth()
        ? (long) rows * type.layout().byteWidth()
        : 4L * rows + values.data().length;
    return new DecodeCase(type, encoding, rows, chunk, decoded);
  }

  /** "int32/ree". */
  public String name() {
    return type.name().toLowerCase(java.util.Locale.ROOT) + "/" + encoding.decoderModule();
  }
}
