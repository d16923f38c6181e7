package dev.capsule.bench.data;

import java.nio.file.Path;

/** The same TPC-H lineitem rows in the three files the benchmarks compare. */
public record LineItemFiles(double scale, Path capsule, Path snappyParquet, Path zstdParquet) {}
