package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.RocksDbReader.check;
import static dev.postbox.storage.rocksdb.RocksDbReader.seekPast;

import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** Reads of schedules and the run states of the messages they fired. */
final class ScheduleReads {
  private static final RunState[] RUN_STATES = RunState.values();

  private final RocksDbReader reader;
  private final RocksDbStorage storage;

  ScheduleReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
  }

  Optional<Schedule> findSchedule(ScheduleRef ref) {
    byte[] v = reader.get(storage.schedules, Keys.schedule(ref.tenant(), ref.id()));
    return v == null ? Optional.empty() : Optional.of(ScheduleCodec.decode(v));
  }

  List<Schedule> scanSchedules(String tenant, ScheduleRef after, int limit) {
    List<Schedule> out = new ArrayList<>();
    byte[] upperKey = tenant == null ? null : Keys.upperBound(Keys.tenantPrefix(tenant));
    try (Slice upper = upperKey == null ? null : new Slice(upperKey);
        ReadOptions ro = new ReadOptions();
        RocksIterator it =
            storage.db.newIterator(
                storage.schedules, upper == null ? ro : ro.setIterateUpperBound(upper))) {
      if (after != null) {
        seekPast(it, Keys.schedule(after.tenant(), after.id()));
      } else if (tenant != null) {
        it.seek(Keys.tenantPrefix(tenant));
      } else {
        it.seekToFirst();
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        out.add(ScheduleCodec.decode(it.value()));
      }
      check(it);
    }
    return out;
  }

  Map<String, RunState> runStates(ScheduleRef ref) {
    byte[] prefix = Keys.runPrefix(ref.tenant(), ref.id());
    Map<String, RunState> out = new HashMap<>();
    reader.scanPrefix(
        storage.scheduleRuns,
        prefix,
        (k, v) ->
            out.put(
                new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8),
                RUN_STATES[v[0]]));
    return out;
  }
}
