package dev.capsule.bench.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes rows of Arrow batches through parquet-java: a record is a row index into the current
 * batch. Maps the lineitem types the way Parquet writers usually do: int32/int64 as INT32/INT64,
 * decimal (precision at most 18) as INT64 DECIMAL, date32 as INT32 DATE, utf8 as BYTE_ARRAY STRING;
 * not-null fields are REQUIRED, nullable ones OPTIONAL.
 */
final class ArrowWriteSupport extends WriteSupport<Integer> {
  private final Schema schema;
  private final MessageType parquetSchema;
  private RecordConsumer consumer;
  private VectorSchemaRoot batch;

  ArrowWriteSupport(Schema schema) {
    this.schema = schema;
    this.parquetSchema = parquetSchema(schema);
  }

  static MessageType parquetSchema(Schema schema) {
    List<Type> fields = new ArrayList<>();
    for (Field field : schema.getFields()) {
      fields.add(parquetField(field));
    }
    return new MessageType("schema", fields);
  }

  private static Type parquetField(Field field) {
    Type.Repetition repetition = field.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Int: {
        int bits = ((ArrowType.Int) type).getBitWidth();
        if (bits == 32) {
          return Types.primitive(PrimitiveTypeName.INT32, repetition).named(field.getName());
        }
        if (bits == 64) {
          return Types.primitive(PrimitiveTypeName.INT64, repetition).named(field.getName());
        }
        break;
      }
      case Decimal: {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        if (decimal.getPrecision() <= 18) {
          return Types.primitive(PrimitiveTypeName.INT64, repetition)
              .as(LogicalTypeAnnotation.decimalType(decimal.getScale(), decimal.getPrecision()))
              .named(field.getName());
        }
        break;
      }
      case Date:
        return Types.primitive(PrimitiveTypeName.INT32, repetition)
            .as(LogicalTypeAnnotation.dateType()).named(field.getName());
      case Utf8:
        return Types.primitive(PrimitiveTypeName.BINARY, repetition)
            .as(LogicalTypeAnnotation.stringType()).named(field.getName());
      default:
        break;
    }
    throw new IllegalArgumentException("no Parquet mapping here for column " + field.getName() + " of type " + type);
  }

  /** The batch whose row indexes the next records are. */
  void setBatch(VectorSchemaRoot batch) {
    this.batch = batch;
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(parquetSchema, new HashMap<>());
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Integer row) {
    int i = row;
    consumer.startMessage();
    List<FieldVector> vectors = batch.getFieldVectors();
    for (int c = 0; c < vectors.size(); c++) {
      FieldVector vector = vectors.get(c);
      if (vector.isNull(i)) {
        continue;
      }
      String name = schema.getFields().get(c).getName();
      consumer.startField(name, c);
      writeValue(vector, i);
      consumer.endField(name, c);
    }
    consumer.endMessage();
  }

  private void writeValue(FieldVector vector, int i) {
    if (vector instanceof BigIntVector) {
      consumer.addLong(((BigIntVector) vector).get(i));
    } else if (vector instanceof IntVector) {
      consumer.addInteger(((IntVector) vector).get(i));
    } else if (vector instanceof DateDayVector) {
      consumer.addInteger(((DateDayVector) vector).get(i));
    } else if (vector instanceof DecimalVector) {
      // decimal128 little-endian two's complement; a precision of at most 18 fits the low 8 bytes.
      consumer.addLong(((DecimalVector) vector).getDataBuffer().getLong((long) i * DecimalVector.TYPE_WIDTH));
    } else if (vector instanceof VarCharVector) {
      consumer.addBinary(Binary.fromConstantByteArray(((VarCharVector) vector).get(i)));
    } else {
      throw new IllegalArgumentException("no Parquet mapping here for vector " + vector.getClass().getSimpleName());
    }
  }
}
