# Nested-list arithmetic: a matrix product and a transpose written with loops.
def matrix(n, seed):
    rows = []
    for i in range(n):
        row = []
        for j in range(n): row.append(((i * n + j + seed) % 13) * 0.5 - 3)
        rows.append(row)
    return rows
def matmul(a, b):
    n = len(a)
    out = []
    for i in range(n):
        row = []
        ai = a[i]
        for j in range(n):
            s = 0
            for k in range(n): s += ai[k] * b[k][j]
            row.append(s)
        out.append(row)
    return out
def transpose(m):
    out = []
    for j in range(len(m[0])):
        col = []
        for i in range(len(m)): col.append(m[i][j])
        out.append(col)
    return out
a = matrix(40, 1)
b = matrix(40, 5)
c = matmul(a, transpose(b))
trace = 0
for i in range(40): trace += c[i][i]
print(trace, c[3][7])
