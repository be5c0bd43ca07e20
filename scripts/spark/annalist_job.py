"""The annalist pipeline on Apache Spark.

    spark-submit --master local[2] --files target/release/annalist \
        scripts/spark/annalist_job.py --binary annalist --out tables/ corpus.jsonl.gz

Spark only moves data; every decision is made by the annalist binary shipped with
the job (`--files`):

1. every input line (directories and glob patterns are read file by file, as
   `annalist ingest` walks them) becomes an envelope {path, line, seq, raw}; `annalist process
   --envelope --raw` extracts and understands them, partition by partition (pipe);
2. units are grouped by the keys the archive's filing rules look up (content hash,
   body hash, near-duplicate bands, headline, lede: each unit's `keys`, written by
   the binary): connected components over shared keys, found by min-label
   propagation, so that two units the rules could compare always meet;
3. each partition of whole components goes through `annalist dedup` (the store's own
   duplicate and revision rules, in a temporary archive, in input order);
4. event reports are shuffled by event type and pair of states (the `key` the binary
   writes) and each partition goes through `annalist merge --rows` (the archive's
   merge);
5. the seven tables of `annalist export --format parquet` (articles, sources,
   versions, events, event_reports, entities, mentions) are written as Parquet with
   the columns and types of docs/EXPORTS.md, from the rows the binary wrote
   (`annalist dedup`, `annalist merge --rows`); entities is a plain aggregation of
   the binary's mention rows (first mention, counts).

No duplicate or merge rule is written here.
"""

import argparse
import json
import os

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T


def input_files(sc, paths):
    """The files of the inputs in the order `annalist ingest PATH...` reads them: a
    file as given; a directory's files recursively, each directory's entries in name
    order, names starting with '.' skipped; a glob pattern (which a shell would have
    expanded for `annalist ingest`) in name order. Paths go through Hadoop's file
    systems, so hdfs://, s3a:// and local paths all work; a local file found in a
    directory is named without `file:`."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    local = lambda p: "://" not in p and not p.startswith("file:")
    files = []

    def name(st, given):
        s = st.getPath().toString()
        return s[len("file:"):] if local(given) and s.startswith("file:") else s

    def walk(fs, st, given):
        if not st.isDirectory():
            files.append(name(st, given))
            return
        children = sorted(fs.listStatus(st.getPath()), key=lambda c: c.getPath().getName())
        for c in children:
            if not c.getPath().getName().startswith("."):
                walk(fs, c, given)

    for p in paths:
        hp = jvm.org.apache.hadoop.fs.Path(p)
        fs = hp.getFileSystem(conf)
        found = fs.globStatus(hp)
        if not found:
            raise SystemExit(f"{p}: no such file or directory")
        if len(found) == 1 and not found[0].isDirectory() and not any(c in p for c in "*?[{"):
            files.append(p)
            continue
        for st in sorted(found, key=lambda st: st.getPath().toString()):
            walk(fs, st, p)
    return files


def envelopes(sc, paths):
    rdds = []
    for i, path in enumerate(input_files(sc, paths)):
        lines = sc.textFile(path).zipWithIndex()
        # seq orders units as `annalist ingest PATH...` reads them: file, then line
        rdds.append(lines.filter(lambda t: t[0].strip() != "").map(
            lambda t, p=path, i=i: json.dumps({"path": p, "line": t[1] + 1, "seq": i * 10**10 + t[1] + 1, "raw": t[0]})))
    return sc.union(rdds)


def components(units, n):
    """(seq, component label) of every unit that shares a filing key with another:
    connected components by min-label propagation (each round: a key takes the
    least label of its units, a unit the least label of its keys), every shuffle on
    n partitions. A key only one unit has connects nothing: such keys (most of
    them) are dropped before the rounds, and a unit left without keys is a group
    of its own (it gets no label here)."""
    key_nodes = (units.flatMap(lambda u: [(k, u["seq"]) for k in set(u.get("keys") or [])])
                 .groupByKey(n).filter(lambda kv: len(kv[1]) > 1)
                 .flatMap(lambda kv: [(kv[0], s) for s in kv[1]]).partitionBy(n).cache())
    node_keys = key_nodes.map(lambda t: (t[1], t[0])).partitionBy(n).cache()
    labels = node_keys.keys().distinct(n).map(lambda s: (s, s)).partitionBy(n).cache()
    while True:
        key_label = node_keys.join(labels, n).map(lambda t: t[1]).reduceByKey(min, n)
        proposed = key_nodes.join(key_label, n).map(lambda t: t[1])
        new = labels.union(proposed).reduceByKey(min, n).cache()
        new.localCheckpoint()
        changed = new.join(labels, n).filter(lambda t: t[1][0] != t[1][1]).count()
        labels.unpersist()
        labels = new
        if changed == 0:
            return labels


# The seven tables of `annalist export --format parquet`, columns and types as in
# docs/EXPORTS.md. The rows come from the binary (`{"to": TABLE, "row": {...}}`);
# only `year` (the partition of articles and events) is not a column of the files.
S, I, L, F32, B, D = (T.StringType(), T.IntegerType(), T.LongType(), T.FloatType(),
                      T.BooleanType(), T.DateType())
TABLES = {
    "articles": [("article_id", L), ("status", S), ("title", S), ("display_title", S), ("outlet", S),
                 ("published", D), ("captured", D), ("url", S), ("language", S), ("versions", I),
                 ("sources", I), ("paragraphs", I), ("first_doc", S), ("gone_at", S), ("body", S),
                 ("year", I)],
    "sources": [("source_id", L), ("article_id", L), ("version_id", L), ("path", S), ("locator", S),
                ("doc", S), ("kind", S), ("outcome", S), ("error", S), ("blob_hash", S),
                ("ingested_at", S)],
    "versions": [("version_id", L), ("article_id", L), ("n", I), ("title", S), ("outlet", S),
                 ("published", D), ("captured", D), ("created_at", S), ("body", S)],
    "events": [("event_id", S), ("type", S), ("actor", S), ("actor_country", S), ("target", S),
               ("target_country", S), ("date", S), ("date_first", D), ("date_precision", S),
               ("date_end", S), ("place", S), ("occasion", S), ("cameo", S), ("cameo_root", S),
               ("quad_class", I), ("goldstein", F32), ("inferred", B), ("num_reports", I),
               ("num_articles", I), ("evidence", S), ("rule", S), ("year", I)],
    "event_reports": [("event_id", S), ("article_id", L), ("doc", S), ("date", S), ("evidence", S)],
    "entities": [("entity_id", S), ("kind", S), ("country", S), ("name", S), ("known", B),
                 ("articles", I), ("mentions", I)],
    "mentions": [("article_id", L), ("entity_id", S), ("kind", S), ("country", S), ("surface", S),
                 ("start", L), ("end", L), ("known", B)],
}
PARTITIONED = ("articles", "events")


def frame(lines, table, extra=()):
    """A DataFrame of one table: the `row` objects of the binary's lines for it,
    parsed by Spark's JSON reader with the table's schema (days `YYYY-MM-DD`),
    plus `extra` fields of the line beside `row`. FAILFAST: a value that does not
    fit its column stops the job instead of becoming a null."""
    schema = T.StructType([T.StructField(c, t) for c, t in TABLES[table]])
    opts = {"mode": "FAILFAST", "dateFormat": "yyyy-MM-dd"}
    extra = [c for c, _ in extra]
    return (lines.filter(F.col("to") == table)
            .select(F.from_json("row", schema, opts).alias("r"), *extra)
            .select("r.*", *extra))


def write(df, out, table):
    w = df.write.mode("overwrite")
    if table in PARTITIONED:
        w = w.partitionBy("year")
    w.parquet(os.path.join(out, table))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+",
                    help="JSON Lines datasets (.jsonl, .jsonl.gz): files, directories or glob patterns")
    ap.add_argument("--out", required=True, help="directory for the Parquet tables")
    ap.add_argument("--binary", default="annalist", help="the annalist binary shipped with --files")
    ap.add_argument("--partitions", type=int, default=0, help="default: Spark's default parallelism")
    ap.add_argument("--master", help="Spark master when run without spark-submit, e.g. local[2]")
    a = ap.parse_args()

    builder = SparkSession.builder.appName("annalist")
    if a.master:
        builder = builder.master(a.master).config("spark.ui.enabled", "false")
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    n = a.partitions or sc.defaultParallelism
    shipped = a.binary if os.path.isabs(a.binary) else None

    def binary():
        return shipped or SparkFiles.get(os.path.basename(a.binary))

    def run(args):
        def f(rows):
            import subprocess
            p = subprocess.Popen([binary()] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            import threading
            def feed():
                for r in rows:
                    p.stdin.write(r.encode() + b"\n")
                p.stdin.close()
            t = threading.Thread(target=feed)
            t.start()
            for line in p.stdout:
                yield line.decode().rstrip("\n")
            t.join()
            if p.wait() not in (0, 1):
                raise RuntimeError(f"annalist {' '.join(args)} exited {p.returncode}")
        return f

    # 1. extract and understand, distributed
    units = (envelopes(sc, a.inputs).repartition(n)
             .mapPartitions(run(["process", "--envelope", "--raw"]))
             .map(json.loads).filter(lambda u: "seq" in u).cache())
    # 2. group by filing keys; 3. file each group with the archive's rules
    labels = components(units, n)
    filed = (units.map(lambda u: (u["seq"], u)).leftOuterJoin(labels, n)
             .map(lambda t: (t[0] if t[1][1] is None else t[1][1], json.dumps(t[1][0])))
             .partitionBy(n).values()
             .mapPartitions(run(["dedup"])).cache())
    # 4. merge events by type and pair of states
    merged = (filed.map(json.loads).filter(lambda r: r["to"] == "merge")
              .map(lambda r: (r["key"], json.dumps(r["report"])))
              .partitionBy(n).values()
              .mapPartitions(run(["merge", "--rows"])))

    # 5. the tables, every value as the binary wrote it. The lines stay text until
    # Spark's JSON reader parses them in the JVM (a `row` object read as a string is
    # its JSON text, parsed per table by `frame`). `filed` is cached because the
    # merge and the tables both read it: filing twice would double the dearest step.
    lines = (spark.read.schema("`to` STRING, `row` STRING, `name` STRING, `ordinal` INT")
             .option("mode", "FAILFAST").json(filed.union(merged))
             .filter(F.col("to") != "merge").cache())
    for table in TABLES:
        if table != "entities":
            write(frame(lines, table), a.out, table)
    # entities: a reduction of the mentions in article order (annalist_export::rows::
    # entities): the first mention's kind, country, knownness and name (the name the
    # binary gave it), the number of articles and of mentions
    mentions = frame(lines, "mentions", [("name", S), ("ordinal", I)])
    first = F.struct("kind", "country", "name", "known")
    entities = (mentions.groupBy("entity_id")
                .agg(F.min_by(first, F.struct("article_id", "ordinal")).alias("first"),
                     F.countDistinct("article_id").cast("int").alias("articles"),
                     F.count(F.lit(1)).cast("int").alias("mentions"))
                .select("entity_id", "first.kind", "first.country", "first.name", "first.known",
                        "articles", "mentions"))
    write(entities, a.out, "entities")
    spark.stop()


if __name__ == "__main__":
    main()
