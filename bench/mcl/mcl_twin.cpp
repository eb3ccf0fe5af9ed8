// The native-mcl side of issue 19's two mcl rows: the latency of a BN254 Fr product and a full-scalar G1 MSM,
// measured the same way as ZkMl's twin (`dotnet ZkMl.Bench.dll twin ...`, bench/ZkMl.Bench/NativeTwin.cs).
// Built by bench/mcl/run.sh against a local mcl checkout (mcl itself is not part of this repository).
//
//   mcl_twin [--log-n 18] [--reps 5] [--chains 400] [--chain-length 20000] [--threads 2] [--check-log-n 12]
//
// Prints one JSON object: the per-product latency of a dependent chain of Fr products (minimum and median over the
// chains), the MSM times on one thread (G1::mulVec) and on --threads threads (G1::mulVecMT, OpenMP), each the minimum
// and median of --reps runs after one warm-up, and the affine result of a fixed check MSM (bases (1 + 3i)·G, scalars
// t^(i+1) for t = 2^250 + 12345) that the twin computes too, so the two runs are known to compute the same thing.
#include <mcl/bn.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mcl::bn;
using Clock = std::chrono::steady_clock;

static double nanosSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
}

static void minMedian(std::vector<double> v, double& min, double& median)
{
    std::sort(v.begin(), v.end());
    min = v.front();
    median = v[v.size() / 2];
}

static int intArg(int argc, char** argv, const char* name, int fallback, int lo, int hi)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (std::strcmp(argv[i], name) != 0) continue;
        char* end = nullptr;
        long v = std::strtol(argv[i + 1], &end, 10);
        if (end == argv[i + 1] || *end != '\0' || v < lo || v > hi) {
            std::fprintf(stderr, "mcl_twin: %s expects an integer in [%d, %d], got '%s'\n", name, lo, hi, argv[i + 1]);
            std::exit(2);
        }
        return (int)v;
    }
    return fallback;
}

// Bases G + i·S (i = 1 … n) by consecutive additions, in affine form, as ZkMl's BenchData.Points.
static std::vector<G1> points(const G1& g, const Fr& s, size_t n)
{
    G1 step, acc = g;
    G1::mul(step, g, s);
    std::vector<G1> p(n);
    for (size_t i = 0; i < n; i++) {
        G1::add(acc, acc, step);
        p[i] = acc;
    }
    G1::normalizeVec(p.data(), p.data(), n);
    return p;
}

int main(int argc, char** argv)
{
    int logN = intArg(argc, argv, "--log-n", 18, 1, 24);
    int reps = intArg(argc, argv, "--reps", 5, 1, 1000);
    int chains = intArg(argc, argv, "--chains", 400, 1, 100000);
    int chainLength = intArg(argc, argv, "--chain-length", 20000, 1, 100000000);
    int threads = intArg(argc, argv, "--threads", 2, 1, 256);
    int checkLogN = intArg(argc, argv, "--check-log-n", 12, 1, 20);

    initPairing(mcl::BN_SNARK1);
    G1 g;
    g.set(Fp(1), Fp(2));
    if (!g.isValid()) { std::fprintf(stderr, "mcl_twin: (1, 2) is not on the curve: wrong curve\n"); return 1; }

    // Fr product latency: each product depends on the previous one.
    Fr a, b;
    a.setByCSPRNG();
    b.setByCSPRNG();
    std::vector<double> perProduct;
    perProduct.reserve(chains);
    bool sink = false;
    for (int c = 0; c < chains; c++) {
        Fr x = a;
        auto t0 = Clock::now();
        for (int i = 0; i < chainLength; i++) Fr::mul(x, x, b);
        perProduct.push_back(nanosSince(t0) / chainLength);
        sink ^= x.isZero();
    }
    double chainMin, chainMedian;
    minMedian(perProduct, chainMin, chainMedian);

    // MSM over 2^logN random bases and full random scalars.
    size_t n = (size_t)1 << logN;
    Fr s;
    s.setByCSPRNG();
    std::vector<G1> bases = points(g, s, n);
    std::vector<Fr> scalars(n);
    for (auto& e : scalars) e.setByCSPRNG();
    G1 r;
    std::vector<double> one, many;
    G1::mulVec(r, bases.data(), scalars.data(), n); // warm-up
    for (int i = 0; i < reps; i++) {
        auto t0 = Clock::now();
        G1::mulVec(r, bases.data(), scalars.data(), n);
        one.push_back(nanosSince(t0) / 1e6);
    }
    G1::mulVecMT(r, bases.data(), scalars.data(), n, threads); // warm-up
    for (int i = 0; i < reps; i++) {
        auto t0 = Clock::now();
        G1::mulVecMT(r, bases.data(), scalars.data(), n, threads);
        many.push_back(nanosSince(t0) / 1e6);
    }
    sink ^= r.isZero();
    double oneMin, oneMedian, manyMin, manyMedian;
    minMedian(one, oneMin, oneMedian);
    minMedian(many, manyMin, manyMedian);

    // The fixed check MSM.
    size_t cn = (size_t)1 << checkLogN;
    Fr three = 3, t, power;
    t.setStr("1809251394333065553493296640760748560207343510400633813116524750123642662969"); // 2^250 + 12345
    std::vector<G1> checkBases = points(g, three, cn);
    std::vector<Fr> checkScalars(cn);
    power = t;
    for (size_t i = 0; i < cn; i++) {
        checkScalars[i] = power;
        power *= t;
    }
    G1 check;
    G1::mulVec(check, checkBases.data(), checkScalars.data(), cn);
    check.normalize();

    std::printf("{\"impl\":\"mcl\",\"frMulChain\":{\"chains\":%d,\"length\":%d,\"minNs\":%.3f,\"medianNs\":%.3f},"
                "\"msm\":{\"logN\":%d,\"reps\":%d,\"oneThread\":{\"minMs\":%.1f,\"medianMs\":%.1f},"
                "\"threads\":%d,\"allThreads\":{\"minMs\":%.1f,\"medianMs\":%.1f}},"
                "\"check\":{\"logN\":%d,\"x\":\"%s\",\"y\":\"%s\"},\"sink\":%d}\n",
        chains, chainLength, chainMin, chainMedian, logN, reps, oneMin, oneMedian, threads, manyMin, manyMedian,
        checkLogN, check.x.getStr(10).c_str(), check.y.getStr(10).c_str(), sink ? 1 : 0);
    return 0;
}
