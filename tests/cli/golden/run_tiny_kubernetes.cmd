# The kubernetes executor: a burst of pods on an autoscaled node pool, one or sixteen pods created
# per scheduler loop, every image pulled, and pods safe to evict under an eager scale-down.
run tiny-kubernetes.yaml --out "$OUT"
