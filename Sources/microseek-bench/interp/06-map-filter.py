# map and filter with small anonymous functions, chained, many times.
xs = list(range(2000))
total = 0
for rep in range(20):
    squares = list(map(lambda x: x * x, xs))
    evens = list(filter(lambda x: x % 2 == 0, squares))
    shifted = list(map(lambda x: x + rep, evens))
    total += sum(shifted)
print(total)
