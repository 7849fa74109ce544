"""Step 2 of the demo pipeline: fit y = a*x + b by least squares and save the model."""
import csv
import json

with open("data/clean.csv", newline="") as src:
    points = [(float(r["x"]), float(r["value"])) for r in csv.DictReader(src)]

n = len(points)
mx = sum(x for x, _ in points) / n
my = sum(y for _, y in points) / n
a = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
b = my - a * mx

with open("model.json", "w") as out:
    json.dump({"a": round(a, 4), "b": round(b, 4), "n": n}, out)
print(f"model: y = {a:.3f} x + {b:.3f}")
