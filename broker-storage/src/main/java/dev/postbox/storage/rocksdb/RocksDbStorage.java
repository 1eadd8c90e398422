package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Opens and closes the RocksDB database with its column families and owns every native options
 * object; holds the data directory's {@link DataDirectoryLock} while open. Thread-safe once open
 * (RocksDB handles are).
 */
final class RocksDbStorage implements AutoCloseable {
  static final String MESSAGES = "messages";
  static final String DUE = "due";
  static final String INFLIGHT = "inflight";
  static final String LOGS = "logs";
  static final String DLQ = "dlq";
  static final String META = "meta";
  static final String SCHEDULES = "schedules";
  static final String SCHEDULE_RUNS = "schedule_runs";
  static final String GROUPS = "groups";
  static final String DEDUP = "dedup";
  static final String DEDUP_EXPIRY = "dedup_expiry";
  static final String QUEUES = "queues";
  static final String QUEUE_WAITING = "queue_waiting";
  static final String QUEUE_MEMBERS = "queue_members";
  static final String QUEUE_SLOTS = "queue_slots";
  static final String FLOW_KEYS = "flow_keys";
  static final String BODIES = "bodies";
  static final String ENDED = "ended";
  static final String ENDED_EXPIRY = "ended_expiry";
  static final String WORKFLOW_RUNS = "workflow_runs";
  static final String WORKFLOW_HISTORY = "workflow_history";
  static final String WORKFLOW_RUNS_BY_TIME = "workflow_runs_by_time";
  static final String WORKFLOW_WAITS = "workflow_waits";
  static final String LOGS_BY_MESSAGE = "logs_by_message";
  private static final List<String> FAMILIES =
      List.of(
          MESSAGES,
          DUE,
          INFLIGHT,
          LOGS,
          DLQ,
          META,
          SCHEDULES,
          SCHEDULE_RUNS,
          GROUPS,
          DEDUP,
          DEDUP_EXPIRY,
          QUEUES,
          QUEUE_WAITING,
          QUEUE_MEMBERS,
          QUEUE_SLOTS,
          FLOW_KEYS,
          BODIES,
          ENDED,
          ENDED_EXPIRY,
          WORKFLOW_RUNS,
          WORKFLOW_HISTORY,
          WORKFLOW_RUNS_BY_TIME,
          WORKFLOW_WAITS,
          LOGS_BY_MESSAGE);

  private final DataDirectoryLock dirLock;
  private final LRUCache cache;
  private final BloomFilter bloom;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  final RocksDB db;
  final ColumnFamilyHandle messages;
  final ColumnFamilyHandle due;
  final ColumnFamilyHandle inflight;
  final ColumnFamilyHandle logs;
  final ColumnFamilyHandle dlq;
  final ColumnFamilyHandle meta;
  final ColumnFamilyHandle schedules;
  final ColumnFamilyHandle scheduleRuns;
  final ColumnFamilyHandle groups;
  final ColumnFamilyHandle dedup;
  final ColumnFamilyHandle dedupExpiry;
  final ColumnFamilyHandle queues;
  final ColumnFamilyHandle queueWaiting;
  final ColumnFamilyHandle queueMembers;
  final ColumnFamilyHandle queueSlots;
  final ColumnFamilyHandle flowKeys;
  final ColumnFamilyHandle bodies;
  final ColumnFamilyHandle ended;
  final ColumnFamilyHandle endedExpiry;
  final ColumnFamilyHandle workflowRuns;
  final ColumnFamilyHandle workflowHistory;
  final ColumnFamilyHandle workflowRunsByTime;
  final ColumnFamilyHandle workflowWaits;
  final ColumnFamilyHandle logsByMessage;

  RocksDbStorage(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + dir, e);
    }
    dirLock = DataDirectoryLock.acquire(dir); // before RocksDB touches anything in it
    try {
      RocksDbNativeLibrary.load(dir.resolve("native"));
      cache = new LRUCache(64L * 1024 * 1024);
      bloom = new BloomFilter(10);
      dbOptions = dbOptions();
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, options(4)));
      for (String name : FAMILIES) {
        long mb = name.equals(MESSAGES) || name.equals(LOGS) || name.equals(BODIES) ? 32 : 8;
        ColumnFamilyOptions o = options(mb);
        if (name.equals(FLOW_KEYS)) {
          // Looked up by key whenever a key not in memory is used, and mostly absent (a new key):
          // a whole-key filter on the write buffer answers those without searching it.
          o.setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true);
        }
        descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), o));
      }
      try {
        db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      } catch (RocksDBException e) {
        closeOptions();
        throw new StorageException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
      }
      messages = handles.get(1);
      due = handles.get(2);
      inflight = handles.get(3);
      logs = handles.get(4);
      dlq = handles.get(5);
      meta = handles.get(6);
      schedules = handles.get(7);
      scheduleRuns = handles.get(8);
      groups = handles.get(9);
      dedup = handles.get(10);
      dedupExpiry = handles.get(11);
      queues = handles.get(12);
      queueWaiting = handles.get(13);
      queueMembers = handles.get(14);
      queueSlots = handles.get(15);
      flowKeys = handles.get(16);
      bodies = handles.get(17);
      ended = handles.get(18);
      endedExpiry = handles.get(19);
      workflowRuns = handle(WORKFLOW_RUNS);
      workflowHistory = handle(WORKFLOW_HISTORY);
      workflowRunsByTime = handle(WORKFLOW_RUNS_BY_TIME);
      workflowWaits = handle(WORKFLOW_WAITS);
      logsByMessage = handle(LOGS_BY_MESSAGE);
    } catch (RuntimeException | Error e) {
      dirLock.close();
      throw e;
    }
  }

  /** WAL files kept, once obsolete, to be written over by the next ones. */
  static final int RECYCLED_WAL_FILES = 4;

  /** The most WAL, in bytes, before the families holding the oldest WAL file are flushed. */
  static final long MAX_TOTAL_WAL_BYTES = 256L * 1024 * 1024;

  /**
   * The database's options. Two of them are about the write-ahead log
   * (docs/architecture.md#the-wal):
   *
   * <ul>
   *   <li>The WAL is bounded ({@value #MAX_TOTAL_WAL_BYTES} bytes): past it, RocksDB flushes the
   *       column families that keep the oldest WAL file alive. Without it a busy server kept about
   *       four times all its write buffers (some 2 GB) as WAL, on disk and to replay after a crash.
   *   <li>Obsolete WAL files are recycled: the next WAL writes over one of them instead of growing
   *       a new file. A sync of blocks already written needs no change to the file's size or
   *       extents, so its fdatasync is cheaper (for one small write on this project's 2-vCPU VM,
   *       about 165 instead of 255 microseconds; less in the server, where the WAL in use is not
   *       always a recycled file). RocksDB marks each record with its file's number, so what is
   *       left of a recycled file's old records is never replayed.
   * </ul>
   */
  static DBOptions dbOptions() {
    return new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2)
        .setBytesPerSync(1024 * 1024)
        .setKeepLogFileNum(5)
        .setRecycleLogFileNum(RECYCLED_WAL_FILES)
        .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES);
  }

  /** The handle of a family by name (the default family is at 0, the others follow in order). */
  private ColumnFamilyHandle handle(String name) {
    return handles.get(1 + FAMILIES.indexOf(name));
  }

  /** The broker's column families (not the unused default one). */
  List<ColumnFamilyHandle> families() {
    return handles.subList(1, handles.size());
  }

  private ColumnFamilyOptions options(long writeBufferMb) {
    BlockBasedTableConfig table =
        new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom);
    ColumnFamilyOptions o =
        new ColumnFamilyOptions()
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setWriteBufferSize(writeBufferMb * 1024 * 1024)
            .setTableFormatConfig(table);
    cfOptions.add(o);
    return o;
  }

  @Override
  public void close() {
    // Flush write buffers on a clean close so the next start need not replay the WAL (faster
    // startup); after a crash the WAL replay recovers everything anyway.
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (ColumnFamilyHandle h : families()) {
        db.flush(flush, h);
      }
      db.syncWal();
    } catch (RocksDBException e) {
      // closing anyway; the WAL of synced writes is already on disk
    }
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    closeOptions();
    dirLock.close();
  }

  private void closeOptions() {
    dbOptions.close();
    cfOptions.forEach(ColumnFamilyOptions::close);
    bloom.close();
    cache.close();
  }
}
