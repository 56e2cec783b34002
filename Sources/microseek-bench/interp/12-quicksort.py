# Recursion that builds lists: quicksort with append and concatenation.
def quicksort(xs):
    if len(xs) <= 1: return xs
    pivot = xs[0]
    less = []
    more = []
    for x in xs[1:]:
        if x < pivot: less.append(x)
        else: more.append(x)
    return quicksort(less) + [pivot] + quicksort(more)
data = []
for i in range(12000): data.append((i * 7919 + 13) % 10007)
s = quicksort(data)
print(s[0], s[6000], s[11999], len(s))
