"""Trains the weather classifier on the training window.

Inputs come from the environment, as the training runner passes them:
  INPUT_TRAIN                  CSV with date, precipitation, temp_max, temp_min, wind, weather
  OUTPUT_DIR                   where model.pkl and metrics.json go
  WEIR_EXAMPLE_TRACKING_TOKEN  optional secret: the experiment tracker's token
"""
import json
import os
import pickle
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]


def load(path):
    rows = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8")
    features = np.column_stack([rows[name].astype(float) for name in FEATURES])
    return features, rows["weather"].astype(str)


def tracking_status():
    """Whether the run would be sent to the experiment tracker. The token is a secret: never print it."""
    token = os.environ.get("WEIR_EXAMPLE_TRACKING_TOKEN", "")
    return "on (token received)" if token else "off (WEIR_EXAMPLE_TRACKING_TOKEN is not set on the worker)"


def main():
    print(f"experiment tracking: {tracking_status()}", flush=True)
    features, labels = load(os.environ["INPUT_TRAIN"])
    print(f"training on {len(labels)} rows, classes: {sorted(set(labels))}", flush=True)
    model = RandomForestClassifier(n_estimators=int(os.environ.get("N_ESTIMATORS", "60")), max_depth=6, random_state=7)
    folds = min(5, max(2, int(np.min(np.unique(labels, return_counts=True)[1]))))
    scores = cross_val_score(model, features, labels, cv=folds) if len(labels) >= 20 else np.array([float("nan")])
    model.fit(features, labels)
    out = os.environ["OUTPUT_DIR"]
    with open(os.path.join(out, "model.pkl"), "wb") as handle:
        pickle.dump(model, handle)
    metrics = {"cv_accuracy": float(np.nanmean(scores)), "train_rows": int(len(labels))}
    with open(os.path.join(out, "metrics.json"), "w") as handle:
        json.dump(metrics, handle)
    print(f"cross-validated accuracy {metrics['cv_accuracy']:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
