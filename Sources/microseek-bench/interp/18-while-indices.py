# While loops over indices: insertion sort, binary search, prefix sums, two pointers.
def insertion_sort(xs):
    i = 1
    while i < len(xs):
        x = xs[i]
        j = i - 1
        while j >= 0 and xs[j] > x:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = x
        i += 1
    return xs
def search(xs, target):
    lo = 0
    hi = len(xs) - 1
    while lo <= hi:
        mid = (lo + hi - (lo + hi) % 2) // 2
        if xs[mid] == target:
            return mid
        if xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
data = []
for i in range(700):
    data.append((i * 337 + 11) % 1009)
sorted_data = insertion_sort(data)
found = 0
for t in range(2000):
    if search(sorted_data, t) >= 0:
        found += 1
prefix = [0] * (len(sorted_data) + 1)
k = 0
while k < len(sorted_data):
    prefix[k + 1] = prefix[k] + sorted_data[k]
    k += 1
left = 0
right = len(sorted_data) - 1
pairs = 0
while left < right:
    s = sorted_data[left] + sorted_data[right]
    if s == 1000:
        pairs += 1
    if s < 1000:
        left += 1
    else:
        right -= 1
print(sorted_data[0], sorted_data[699], found, prefix[700], pairs)
