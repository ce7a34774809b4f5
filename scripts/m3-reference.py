"""
Reference figures for the classical forecasting baselines on the M3 competition's series, computed
with statsmodels (SES, Theta, Holt's damped trend) and directly (the naive methods), for
docs/forecasting.md and the checks of lib/forecast/baselines.ts.

    python3 scripts/m3-reference.py M3.json [--period MONTHLY] [--first N] [--json OUT.json]

sMAPE = mean over the horizons of 200·|y − ŷ| / (|y| + |ŷ|), then mean over the series; MASE divides
the mean absolute error by the in-sample mean absolute seasonal difference (lag m).
"""
import argparse, json, sys, time, warnings
import numpy as np
from statsmodels.tsa.stattools import acf
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.holtwinters import SimpleExpSmoothing, ExponentialSmoothing, Holt
from statsmodels.tsa.forecasting.theta import ThetaModel

warnings.filterwarnings("ignore")
PERIODS = {"MONTHLY": 12, "QUARTERLY": 4, "YEARLY": 1, "OTHER": 1}


def seasonal_bartlett(x, m):
    """|r_m| > 1.645·sqrt((1 + 2·Σ_{k<m} r_k²)/n): the 90 % test of the M4 benchmarks' R code."""
    if m <= 1 or len(x) < 3 * m:
        return False
    r = acf(x, nlags=m, fft=False)
    return abs(r[m]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(x))


def indices(x, m):
    """Multiplicative seasonal indices by phase 0..m-1 (classical decomposition), or ones."""
    if not seasonal_bartlett(x, m):
        return np.ones(max(m, 1))
    return np.asarray(seasonal_decompose(x, model="multiplicative", period=m).seasonal[:m])


def reseason(f, si, n, m):
    return f * si[(n + np.arange(len(f))) % m] if m > 1 else f


def smape(y, f):
    return np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f)))


def mase(x, y, f, m):
    scale = np.mean(np.abs(x[m:] - x[:-m])) if m > 1 else np.mean(np.abs(np.diff(x)))
    return np.mean(np.abs(y - f)) / scale


def methods(x, h, m):
    n = len(x)
    si = indices(x, m)
    xa = x / si[np.arange(n) % m] if m > 1 else x
    out = {}
    out["naive"] = np.repeat(x[-1], h)
    out["seasonalNaive"] = x[n - m + np.arange(h) % m] if m > 1 else out["naive"]
    out["naive2"] = reseason(np.repeat(xa[-1], h), si, n, m)
    out["ses"] = reseason(SimpleExpSmoothing(xa, initialization_method="estimated").fit().forecast(h), si, n, m)
    out["sesRaw"] = SimpleExpSmoothing(x, initialization_method="estimated").fit().forecast(h)
    out["theta"] = np.asarray(ThetaModel(x, period=m).fit().forecast(h)) if m > 1 else np.asarray(ThetaModel(x, period=1, deseasonalize=False).fit().forecast(h))
    out["dampedHolt"] = reseason(Holt(xa, damped_trend=True, initialization_method="estimated").fit().forecast(h), si, n, m)
    try:
        out["dampedHoltWintersMul"] = ExponentialSmoothing(x, trend="add", damped_trend=True, seasonal="mul", seasonal_periods=m, initialization_method="estimated").fit().forecast(h)
    except Exception:
        out["dampedHoltWintersMul"] = out["dampedHolt"]
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--period", default="MONTHLY")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    data = json.load(open(a.file))
    names = sorted(k for k, v in data.items() if v["period"][0] == a.period)
    if a.first:
        names = names[: a.first]
    m = PERIODS[a.period]
    t0 = time.time()
    scores, per_series = {}, {}
    for k, name in enumerate(names):
        x = np.asarray(data[name]["x"], float)
        y = np.asarray(data[name]["xx"], float)
        h = len(y)
        for method, f in methods(x, h, m).items():
            s = scores.setdefault(method, {"smape": [], "mase": []})
            s["smape"].append(smape(y, f))
            s["mase"].append(mase(x, y, f, m))
            per_series.setdefault(name, {})[method] = [round(float(v), 10) for v in f]
        if (k + 1) % 200 == 0:
            print(f"{k + 1} of {len(names)} series, {time.time() - t0:.0f} s", file=sys.stderr)
    table = {meth: {"smape": float(np.mean(s["smape"])), "mase": float(np.mean(s["mase"]))} for meth, s in scores.items()}
    for meth, v in table.items():
        print(f"{meth:22s} sMAPE {v['smape']:.3f}  MASE {v['mase']:.3f}")
    if a.json:
        json.dump({"period": a.period, "series": len(names), "figures": table}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
