package dev.capsule.writer.parquet;

import org.apache.arrow.vector.types.TimeUnit;

/**
 * What INT96 values (a signed 32-bit Julian day and a 64-bit nanosecond of the day) become. They
 * have both a range and a precision no single Arrow timestamp unit holds: nanoseconds (the
 * default, as Arrow C++ reads them) reach only the years 1677 to 2262, coarser units lose
 * sub-unit digits. A value that does not fit the chosen unit exactly is an error, never silently
 * changed; {@link #RAW} keeps the 12 bytes as they are stored, for files no unit fits.
 */
public enum Int96Unit {
  NANOSECOND(TimeUnit.NANOSECOND, 1),
  MICROSECOND(TimeUnit.MICROSECOND, 1_000),
  MILLISECOND(TimeUnit.MILLISECOND, 1_000_000),
  SECOND(TimeUnit.SECOND, 1_000_000_000),
  /** fixed_size_binary(12): the bytes parquet-java reads, untouched. */
  RAW(null, 0);

  final TimeUnit unit;
  /** Nanoseconds per unit. */
  final long nanos;

  Int96Unit(TimeUnit unit, long nanos) {
    this.unit = unit;
    this.nanos = nanos;
  }
}
