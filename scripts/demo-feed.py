#!/usr/bin/env python3
"""Feeds a small demo stream of features through POST /features so a newcomer sees data arrive.

Every couple of seconds it writes fresh values for a handful of demo accounts (valid for the shipped demo
schemas), until it is stopped (or after ROUNDS rounds when given). usage: demo-feed.py BASE_URL WRITE_KEY [ROUNDS]
"""
import json
import random
import sys
import time
import urllib.request

base, key = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else None
accounts = [f"demo-{i}" for i in range(1, 6)]
restaurants = ["Cantina do Ze", "Sushi Bar Kenzo", "Pizzaria Bella", "Burger Lab", "Green Bowl"]
rng = random.Random(42)
orders = {a: rng.randint(1, 40) for a in accounts}

round_no = 0
while rounds is None or round_no < rounds:
    now = int(time.time() * 1000)
    items = []
    for a in accounts:
        orders[a] += rng.randint(0, 2)
        items += [
            {"account_id": a, "namespace": "orders", "feature_name": "total_orders", "feature_value": str(orders[a]), "timestamp": now},
            {"account_id": a, "namespace": "orders", "feature_name": "favourite_restaurant", "feature_value": rng.choice(restaurants), "timestamp": now},
            {"account_id": a, "namespace": "rewards", "feature_name": "points", "feature_value": str(orders[a] * 10), "timestamp": now},
            {"account_id": a, "namespace": "rewards", "feature_name": "tier", "feature_value": "gold" if orders[a] > 30 else "silver", "timestamp": now},
            {"account_id": a, "namespace": "segments", "feature_name": "churn_risk", "feature_value": f"{rng.random():.2f}", "timestamp": now},
        ]
    request = urllib.request.Request(f"{base}/features", data=json.dumps(items).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Api-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            accepted = json.load(response)["accepted"]
        if round_no == 0:
            print(f"  demo feed: {accepted} features every 2 s for {len(accounts)} accounts, e.g.\n"
                  f"    curl -s {base}/accounts/demo-1\n    curl -s {base}/accounts/demo-1/namespaces/orders", flush=True)
    except Exception as error:  # the service may be stopping; the demo is best effort
        print(f"  demo feed: {error}", file=sys.stderr, flush=True)
    round_no += 1
    time.sleep(2)
