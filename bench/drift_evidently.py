"""Evidently's side of the drift benchmark: Report.run with DataDriftPreset on two Parquet files.

    python drift_evidently.py <reference.parquet> <current.parquet> <categorical,columns>

Prints one JSON line: CPU seconds and wall time of Report.run alone (reading the files with
pandas is not counted), the process's peak RSS, and the drifted columns. Column types are given
explicitly, as Weir types them.
"""
import json
import resource
import sys
import time

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

reference_file, current_file, categorical = sys.argv[1], sys.argv[2], [c for c in sys.argv[3].split(",") if c]
reference = pd.read_parquet(reference_file)
current = pd.read_parquet(current_file)
numerical = [c for c in reference.columns if c not in categorical and pd.api.types.is_numeric_dtype(reference[c])]
categories = [c for c in reference.columns if c not in numerical]
definition = DataDefinition(numerical_columns=numerical, categorical_columns=categories)
ref = Dataset.from_pandas(reference, data_definition=definition)
cur = Dataset.from_pandas(current, data_definition=definition)

cpu_before = time.process_time()
wall_before = time.perf_counter()
snapshot = Report([DataDriftPreset()]).run(reference_data=ref, current_data=cur)
cpu = time.process_time() - cpu_before
wall = time.perf_counter() - wall_before
metrics = snapshot.dict()["metrics"]
count = next(m for m in metrics if m["config"]["type"].endswith("DriftedColumnsCount"))["value"]
print(json.dumps({
    "cpuMs": cpu * 1000,
    "wallMs": wall * 1000,
    "peakRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "driftedCount": count["count"],
    "columns": len(reference.columns),
}))
