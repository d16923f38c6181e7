package dev.capsule.bench.run;

/** One measured rate: its mean over iterations, the 99.9% confidence half-width (NaN with too few iterations), its unit. */
public record Score(double value, double error, String unit) {}
