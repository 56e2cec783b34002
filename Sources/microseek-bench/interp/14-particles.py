# Particles as nested lists updated in place: positions, velocities, a spring force.
ps = []
for i in range(200): ps.append([i * 0.5, 0.0, 0.0, 1.0])
dt = 0.01
for step in range(100):
    for p in ps:
        force = -0.5 * p[0] - 0.1 * p[2]
        p[2] += force * dt
        p[3] -= 9.8 * dt
        p[0] += p[2] * dt
        p[1] += p[3] * dt
sx = 0.0
sy = 0.0
for p in ps:
    sx += p[0]
    sy += p[1]
print(round(sx, 6), round(sy, 6))
