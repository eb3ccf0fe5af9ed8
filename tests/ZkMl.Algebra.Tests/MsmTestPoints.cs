namespace ZkMl.Algebra.Tests;

/// <summary>Bases for the MSM twin tests: distinct points, or (adversarial) many copies of a few points and their negations,
/// so that bucket and group additions meet doublings and cancellations (infinity).</summary>
internal static class MsmTestPoints
{
    internal static G1Affine[] Bases(int n, int seed, bool adversarial)
    {
        var rng = new Random(seed);
        var step = G1Jacobian.Generator.ScalarMul(Fr.Random(rng));
        var distinct = new G1Jacobian[Math.Min(n, 64)];
        var acc = G1Jacobian.Generator;
        for (int i = 0; i < distinct.Length; i++) { acc += step; distinct[i] = acc; }
        var jac = new G1Jacobian[n];
        for (int i = 0; i < n; i++)
        {
            if (!adversarial) { acc += step; jac[i] = acc; continue; }
            var p = distinct[(i % 3) switch { 0 => 5, _ => rng.Next(distinct.Length) }]; // many copies: doublings
            jac[i] = i % 7 == 0 ? -p : p;                                               // negations: infinity
        }
        var aff = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, aff);
        return aff;
    }
}
