# Sorting records with a key function, and by the second field in reverse.
records = []
for i in range(6000): records.append([(i * 7919) % 1000, f"item{i}", (i * 31) % 97])
by_first = sorted(records, key=lambda r: r[0])
by_third = sorted(records, key=lambda r: r[2] * 1000 + r[0], reverse=True)
names = sorted(list(map(lambda r: r[1], records)))
print(by_first[0][1], by_first[5999][1], by_third[0][1], names[0], names[5999])
