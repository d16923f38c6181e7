package dev.capsule.writer;

import dev.capsule.writer.TestColumns.Nulls;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Run by {@link AtomicWriteTest} in a child JVM: writes row groups forever until it is killed. */
public final class SlowWriterMain {
  static final String READY = "row groups written, waiting to be killed";

  public static void main(String[] args) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = TestColumns.vector(TestColumns.TYPES.get(3), 1000, Nulls.SOME, 7, allocator);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector));
        CapsuleWriter writer = CapsuleWriter.create(Path.of(args[0]), root.getSchema(),
            WriterOptions.builder().rowGroupRows(100).build())) {
      root.setRowCount(1000);
      writer.write(root);
      System.out.println(READY);
      System.out.flush();
      for (int i = 0; i < 600; i++) { // bounded: a forgotten child process ends by itself
        writer.write(root);
        Thread.sleep(100);
      }
    }
  }
}
