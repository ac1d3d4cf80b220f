"""Smoke check of the model now in production: it loads and answers sensible inputs.

  MODEL_PATH  the promoted model
  SMOKE_FAIL  set to 1 to simulate a broken deployment (the DAG then rolls back)
"""
import os
import pickle
import sys

import numpy as np


def main():
    if os.environ.get("SMOKE_FAIL") == "1":
        print("smoke check forced to fail", flush=True)
        return 3
    model_path = os.environ["MODEL_PATH"]
    if os.path.isdir(model_path):
        model_path = os.path.join(model_path, "model.pkl")
    with open(model_path, "rb") as handle:
        model = pickle.load(handle)
    # A wet, cold day and a dry, warm one.
    answers = model.predict(np.array([[20.0, 4.0, 1.0, 5.0], [0.0, 28.0, 15.0, 2.0]]))
    print(f"smoke predictions: {list(answers)}", flush=True)
    return 0 if len(answers) == 2 else 4


if __name__ == "__main__":
    sys.exit(main())
