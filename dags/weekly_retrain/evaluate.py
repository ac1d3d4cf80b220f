"""Scores one model on the holdout set; run once for the challenger and once for the champion.

  MODEL_PATH    the pickled model (a file, or a folder holding model.pkl)
  HOLDOUT_PATH  CSV with the same columns as the training data
  OUTPUT_DIR    where metrics.json goes
"""
import json
import os
import pickle
import time

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]


def main():
    model_path = os.environ["MODEL_PATH"]
    if os.path.isdir(model_path):
        model_path = os.path.join(model_path, "model.pkl")
    with open(model_path, "rb") as handle:
        model = pickle.load(handle)
    rows = np.genfromtxt(os.environ["HOLDOUT_PATH"], delimiter=",", names=True, dtype=None, encoding="utf-8")
    features = np.column_stack([rows[name].astype(float) for name in FEATURES])
    labels = rows["weather"].astype(str)
    started = time.perf_counter()
    predicted = model.predict(features)
    latency_ms = (time.perf_counter() - started) * 1000 / max(1, len(labels))
    metrics = {
        "accuracy": float(accuracy_score(labels, predicted)),
        "f1_macro": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "latency_ms": float(latency_ms),
        "model_size_bytes": os.path.getsize(model_path),
        "holdout_rows": int(len(labels)),
    }
    with open(os.path.join(os.environ["OUTPUT_DIR"], "metrics.json"), "w") as handle:
        json.dump(metrics, handle)
    print(json.dumps(metrics), flush=True)


if __name__ == "__main__":
    main()
