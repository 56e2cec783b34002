# Float loops that index lists: a moving average and a dot product, at top level.
n = 20000
xs = []
for i in range(n): xs.append((i % 17) * 0.25 + 0.5)
ys = []
for i in range(n): ys.append(1.0 / (i + 1))
total = 0.0
for rep in range(5):
    dot = 0.0
    i = 0
    while i < n:
        dot = dot + xs[i] * ys[i]
        i = i + 1
    total += dot
    smooth = 0.0
    for j in range(1, n): smooth += (xs[j] + xs[j - 1]) * 0.5
    total += smooth / n
print(round(total, 6))
