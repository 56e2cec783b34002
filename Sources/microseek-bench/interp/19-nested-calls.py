# Nested calls with three to five arguments, results feeding arguments.
def dist2(x1, y1, x2, y2):
    return (x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2)
def mix(a, b, c, d, e):
    return a * 3 + b * 5 + c * 7 + d * 11 + e * 13
def pick(flag, a, b):
    if flag:
        return a
    return b
def score(i, j, k):
    return mix(i, j, k, dist2(i, j, k, i), pick(i % 2 == 0, j, k)) % 1000
acc = 0
for i in range(200):
    for j in range(150):
        acc += score(i, j, i + j)
print(acc)
