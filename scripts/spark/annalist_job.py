"""The annalist pipeline on Apache Spark.

    spark-submit --master local[2] --files target/release/annalist \
        scripts/spark/annalist_job.py --binary annalist --out tables/ corpus.jsonl.gz

Spark only moves data; every decision is made by the annalist binary shipped with
the job (`--files`):

1. every input line becomes an envelope {path, line, seq, raw}; `annalist process
   --envelope --raw` extracts and understands them, partition by partition (pipe);
2. units are grouped by the keys the archive's filing rules look up (content hash,
   body hash, near-duplicate bands, headline, lede: each unit's `keys`, written by
   the binary): connected components over shared keys, found by min-label
   propagation, so that two units the rules could compare always meet;
3. each partition of whole components goes through `annalist dedup` (the store's own
   duplicate and revision rules, in a temporary archive, in input order);
4. event reports are shuffled by event type and pair of states (the `key` the binary
   writes) and each partition goes through `annalist merge` (the archive's merge);
5. the tables articles, events and event_reports are written as Parquet with the
   column types of docs/EXPORTS.md.

No duplicate or merge rule is written here.
"""

import argparse
import json
import os

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T


def envelopes(sc, paths):
    rdds = []
    for i, path in enumerate(paths):
        lines = sc.textFile(path).zipWithIndex()
        # seq orders units as `annalist ingest PATH...` reads them: file, then line
        rdds.append(lines.filter(lambda t: t[0].strip() != "").map(
            lambda t, p=path, i=i: json.dumps({"path": p, "line": t[1] + 1, "seq": i * 10**10 + t[1] + 1, "raw": t[0]})))
    return sc.union(rdds)


def components(units, n):
    """(seq, component label): connected components of units sharing a filing key,
    by min-label propagation (each round: a key takes the least label of its units,
    a unit the least label of its keys), every shuffle on n partitions."""
    node_keys = units.flatMap(lambda u: [(u["seq"], k) for k in u.get("keys") or []]).partitionBy(n).cache()
    key_nodes = node_keys.map(lambda t: (t[1], t[0])).partitionBy(n).cache()
    labels = units.map(lambda u: (u["seq"], u["seq"])).partitionBy(n).cache()
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


ARTICLES = T.StructType([
    T.StructField("article_id", T.LongType(), False),
    T.StructField("title", T.StringType()),
    T.StructField("display_title", T.StringType()),
    T.StructField("outlet", T.StringType()),
    T.StructField("published", T.StringType()),
    T.StructField("captured", T.StringType()),
    T.StructField("url", T.StringType()),
    T.StructField("language", T.StringType()),
    T.StructField("versions", T.IntegerType()),
    T.StructField("sources", T.IntegerType()),
    T.StructField("paragraphs", T.IntegerType()),
    T.StructField("first_doc", T.StringType()),
    T.StructField("body", T.StringType()),
])

EVENTS = T.StructType([
    T.StructField("event_id", T.StringType(), False),
    T.StructField("type", T.StringType()),
    T.StructField("actor", T.StringType()),
    T.StructField("actor_country", T.StringType()),
    T.StructField("target", T.StringType()),
    T.StructField("target_country", T.StringType()),
    T.StructField("date", T.StringType()),
    T.StructField("date_end", T.StringType()),
    T.StructField("place", T.StringType()),
    T.StructField("occasion", T.StringType()),
    T.StructField("cameo", T.StringType()),
    T.StructField("goldstein", T.FloatType()),
    T.StructField("inferred", T.BooleanType()),
    T.StructField("num_reports", T.IntegerType()),
    T.StructField("evidence", T.StringType()),
    T.StructField("rule", T.StringType()),
])

REPORTS = T.StructType([
    T.StructField("event_id", T.StringType(), False),
    T.StructField("article_id", T.LongType()),
    T.StructField("doc", T.StringType()),
    T.StructField("date", T.StringType()),
    T.StructField("evidence", T.StringType()),
])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSON Lines datasets (.jsonl, .jsonl.gz)")
    ap.add_argument("--out", required=True, help="directory for the Parquet tables")
    ap.add_argument("--binary", default="annalist", help="the annalist binary shipped with --files")
    ap.add_argument("--partitions", type=int, default=0, help="default: Spark's default parallelism")
    ap.add_argument("--master", help="Spark master when run without spark-submit, e.g. local[2]")
    ap.add_argument("--events-jsonl", help="also write the merged events as JSON Lines here (one file)")
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
                yield line.decode()
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
    filed = (units.map(lambda u: (u["seq"], u)).join(labels, n)
             .map(lambda t: (t[1][1], json.dumps(t[1][0])))
             .partitionBy(n).values()
             .mapPartitions(run(["dedup"])).map(json.loads).cache())
    articles = filed.filter(lambda r: r["kind"] == "article")
    # 4. merge events by type and pair of states
    merged = (filed.filter(lambda r: r["kind"] == "report")
              .map(lambda r: (r["key"], json.dumps({"article": r["article"], "doc": r["doc"], "event": r["event"]})))
              .partitionBy(n).values()
              .mapPartitions(run(["merge"])).map(json.loads).cache())

    # 5. the tables
    def year(s):
        return int(s[:4]) if s else None

    arts = spark.createDataFrame(
        articles.map(lambda r: tuple(r.get(f.name) for f in ARTICLES.fields)), ARTICLES)
    arts = (arts.withColumn("published", F.to_date("published")).withColumn("captured", F.to_date("captured"))
            .withColumn("year", F.year("published")))
    arts.write.mode("overwrite").partitionBy("year").parquet(os.path.join(a.out, "articles"))
    ev = spark.createDataFrame(merged.map(lambda e: (
        e["id"], e["type"], e.get("actor"), e.get("actor_country"), e.get("target"), e.get("target_country"),
        e.get("date"), e.get("date_end"), e.get("place"), e.get("occasion"), e["cameo"], float(e["goldstein"]),
        bool(e["inferred"]), len(e["reports"]), e["evidence"], e["rule"])), EVENTS)
    ev = ev.withColumn("year", F.substring("date", 1, 4).cast("int"))
    ev.write.mode("overwrite").partitionBy("year").parquet(os.path.join(a.out, "events"))
    reps = spark.createDataFrame(merged.flatMap(lambda e: [
        (e["id"], r["article"], r["doc"], r.get("date"), r["evidence"]) for r in e["reports"]]), REPORTS)
    reps.write.mode("overwrite").parquet(os.path.join(a.out, "event_reports"))
    if a.events_jsonl:
        with open(a.events_jsonl, "w") as f:
            for e in merged.toLocalIterator():
                f.write(json.dumps(e) + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
