package dev.capsule.bench.tpch;

import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * TPC-H lineitem from the pure-Java generator, as Arrow batches with the types of the TPC-H
 * specification: keys as int64, money and quantities as decimal(15, 2), dates as date32, text as
 * utf8. The generator is deterministic, so a second pass yields the same rows for verification.
 */
public final class LineItemTable {
  public static final Schema SCHEMA = new Schema(List.of(
      notNull("l_orderkey", new ArrowType.Int(64, true)),
      notNull("l_partkey", new ArrowType.Int(64, true)),
      notNull("l_suppkey", new ArrowType.Int(64, true)),
      notNull("l_linenumber", new ArrowType.Int(32, true)),
      notNull("l_quantity", new ArrowType.Decimal(15, 2, 128)),
      notNull("l_extendedprice", new ArrowType.Decimal(15, 2, 128)),
      notNull("l_discount", new ArrowType.Decimal(15, 2, 128)),
      notNull("l_tax", new ArrowType.Decimal(15, 2, 128)),
      notNull("l_returnflag", ArrowType.Utf8.INSTANCE),
      notNull("l_linestatus", ArrowType.Utf8.INSTANCE),
      notNull("l_shipdate", new ArrowType.Date(DateUnit.DAY)),
      notNull("l_commitdate", new ArrowType.Date(DateUnit.DAY)),
      notNull("l_receiptdate", new ArrowType.Date(DateUnit.DAY)),
      notNull("l_shipinstruct", ArrowType.Utf8.INSTANCE),
      notNull("l_shipmode", ArrowType.Utf8.INSTANCE),
      notNull("l_comment", ArrowType.Utf8.INSTANCE)));

  private final Iterator<LineItem> rows;

  public LineItemTable(double scaleFactor) {
    this.rows = new LineItemGenerator(scaleFactor, 1, 1).iterator();
  }

  private static Field notNull(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  /** Fills the root with up to maxRows next rows; returns how many (0 at the end). */
  public int nextBatch(VectorSchemaRoot root, int maxRows) {
    root.allocateNew();
    int n = 0;
    while (n < maxRows && rows.hasNext()) {
      set(root, n, rows.next());
      n++;
    }
    root.setRowCount(n);
    return n;
  }

  public static VectorSchemaRoot newRoot(BufferAllocator allocator) {
    return VectorSchemaRoot.create(SCHEMA, allocator);
  }

  private static void set(VectorSchemaRoot root, int i, LineItem item) {
    ((BigIntVector) root.getVector(0)).setSafe(i, item.getOrderKey());
    ((BigIntVector) root.getVector(1)).setSafe(i, item.getPartKey());
    ((BigIntVector) root.getVector(2)).setSafe(i, item.getSupplierKey());
    ((IntVector) root.getVector(3)).setSafe(i, item.getLineNumber());
    ((DecimalVector) root.getVector(4)).setSafe(i, BigDecimal.valueOf(item.getQuantity() * 100, 2));
    ((DecimalVector) root.getVector(5)).setSafe(i, BigDecimal.valueOf(item.getExtendedPriceInCents(), 2));
    ((DecimalVector) root.getVector(6)).setSafe(i, BigDecimal.valueOf(item.getDiscountPercent(), 2));
    ((DecimalVector) root.getVector(7)).setSafe(i, BigDecimal.valueOf(item.getTaxPercent(), 2));
    utf8(root, 8, i, item.getReturnFlag());
    utf8(root, 9, i, item.getStatus());
    ((DateDayVector) root.getVector(10)).setSafe(i, item.getShipDate());
    ((DateDayVector) root.getVector(11)).setSafe(i, item.getCommitDate());
    ((DateDayVector) root.getVector(12)).setSafe(i, item.getReceiptDate());
    utf8(root, 13, i, item.getShipInstructions());
    utf8(root, 14, i, item.getShipMode());
    utf8(root, 15, i, item.getComment());
  }

  private static void utf8(VectorSchemaRoot root, int column, int i, String value) {
    ((VarCharVector) root.getVector(column)).setSafe(i, value.getBytes(StandardCharsets.UTF_8));
  }
}
