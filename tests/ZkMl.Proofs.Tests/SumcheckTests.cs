using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

public class SumcheckTests
{
    private sealed record Instance(ProductSum Shape, Fr[][] Tables, int NumVars)
    {
        public List<DenseMle> Fresh() => Tables.Select(t => new DenseMle((Fr[])t.Clone())).ToList();

        public Fr ValueAt(Fr[] point) => Shape.Combine(Tables.Select(t => DenseMle.Evaluate(t, point)).ToArray());

        public Fr HypercubeSum()
        {
            var s = Fr.Zero;
            var vals = new Fr[Tables.Length];
            for (int i = 0; i < 1 << NumVars; i++)
            {
                for (int k = 0; k < Tables.Length; k++) vals[k] = Tables[k][i];
                s += Shape.Combine(vals);
            }
            return s;
        }

        public Fr EqWeightedSum(Fr[] tau)
        {
            var eq = Eq.Table(tau);
            var s = Fr.Zero;
            var vals = new Fr[Tables.Length];
            for (int i = 0; i < 1 << NumVars; i++)
            {
                for (int k = 0; k < Tables.Length; k++) vals[k] = Tables[k][i];
                s += eq[i] * Shape.Combine(vals);
            }
            return s;
        }
    }

    // Random instance of the given degree: three MLEs, terms c·P0·…, c'·P1·P2, a repeated factor for degree 3.
    private static Instance RandomInstance(Random rng, int n, int degree)
    {
        var tables = new Fr[3][];
        for (int k = 0; k < 3; k++)
        {
            tables[k] = new Fr[1 << n];
            for (int i = 0; i < tables[k].Length; i++) tables[k][i] = Fr.Random(rng);
        }
        var terms = degree switch
        {
            1 => new List<ProductTerm> { new(Fr.Random(rng), [0]), new(Fr.Random(rng), [2]), new(Fr.Random(rng), []) },
            2 => new List<ProductTerm> { new(Fr.Random(rng), [0, 1]), new(Fr.One, [2]) },
            _ => new List<ProductTerm> { new(Fr.Random(rng), [0, 1, 2]), new(Fr.Random(rng), [1, 1]), new(-Fr.One, [2]) },
        };
        return new Instance(new ProductSum(3, terms), tables, n);
    }

    public static TheoryData<int, int> SizesAndDegrees()
    {
        var d = new TheoryData<int, int>();
        // Degree 2 (products of two MLEs) at every size 2^0…2^14; degrees 1 and 3 at a spread of sizes.
        int[] spread = [0, 1, 2, 3, 5, 8, 11, 14];
        for (int n = 0; n <= 14; n++)
            for (int deg = 1; deg <= 3; deg++)
                if (deg == 2 || (spread.Contains(n) && (n < 14 || deg == 3))) d.Add(n, deg);
        return d;
    }

    [Theory]
    [MemberData(nameof(SizesAndDegrees))]
    public void PlainCompleteness(int n, int degree)
    {
        var inst = RandomInstance(new Random(100 * n + degree), n, degree);
        var claim = inst.HypercubeSum();
        var output = SumcheckProver.Prove(new Transcript("sc-test"), inst.Shape, inst.Fresh(), claim);
        Assert.Equal(n, output.Proof.Rounds.Length);
        var result = SumcheckVerifier.Verify(new Transcript("sc-test"), claim, n, inst.Shape.Degree, output.Proof);
        Assert.True(result.Success, result.Error);
        Assert.Equal(output.Point, result.Point);
        Assert.Equal(inst.Shape.Combine(output.FinalEvaluations), result.ExpectedValue);
        Assert.True(result.Discharge(inst.ValueAt(result.Point)));
    }

    [Theory]
    [MemberData(nameof(SizesAndDegrees))]
    public void ZeroCheckCompleteness(int n, int degree)
    {
        var rng = new Random(7000 + 100 * n + degree);
        var inst = RandomInstance(rng, n, degree);
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        if (n > 2) tau[1] = Fr.Zero; // exercises the τ_i = 0 path
        var claim = inst.EqWeightedSum(tau);
        var output = SumcheckProver.ProveZeroCheck(new Transcript("zc-test"), inst.Shape, inst.Fresh(), tau, claim);
        Assert.All(output.Proof.Rounds, r => Assert.Equal(inst.Shape.Degree, r.Length));
        var result = SumcheckVerifier.VerifyZeroCheck(new Transcript("zc-test"), claim, tau, inst.Shape.Degree, output.Proof);
        Assert.True(result.Success, result.Error);
        Assert.True(result.Discharge(inst.ValueAt(result.Point)));
        Assert.True(result.Discharge(inst.Shape.Combine(output.FinalEvaluations)));
    }

    [Fact]
    public void ZeroCheckOfSatisfiedRelationHasZeroClaim()
    {
        // h·g − m = 0 on the hypercube (m = h·g), so Σ eq(τ,x)(h·g − m) = 0.
        var rng = new Random(11);
        int n = 9;
        var h = Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();
        var g = Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();
        var m = h.Zip(g, (a, b) => a * b).ToArray();
        var shape = new ProductSum(3, [new(Fr.One, [0, 1]), new(-Fr.One, [2])]);
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var inst = new Instance(shape, [h, g, m], n);
        Assert.Equal(Fr.Zero, inst.EqWeightedSum(tau));
        var output = SumcheckProver.ProveZeroCheck(new Transcript("zc"), shape, inst.Fresh(), tau, Fr.Zero);
        var result = SumcheckVerifier.VerifyZeroCheck(new Transcript("zc"), Fr.Zero, tau, 2, output.Proof);
        Assert.True(result.Discharge(inst.ValueAt(result.Point)));
        // A relation violated at one hypercube point is caught.
        var bad = (Fr[])m.Clone();
        bad[123] += Fr.One;
        var badInst = new Instance(shape, [h, g, bad], n);
        var forged = SumcheckProver.ProveZeroCheck(new Transcript("zc"), shape, badInst.Fresh(), tau, Fr.Zero);
        var badResult = SumcheckVerifier.VerifyZeroCheck(new Transcript("zc"), Fr.Zero, tau, 2, forged.Proof);
        Assert.False(badResult.Discharge(badInst.ValueAt(badResult.Point)));
    }

    private static Fr[][] CopyRounds(SumcheckProof p) => p.Rounds.Select(r => (Fr[])r.Clone()).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TamperingAnythingIsRejected(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 21 : 22);
        int n = 6;
        var inst = RandomInstance(rng, n, 3);
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var claim = zeroCheck ? inst.EqWeightedSum(tau) : inst.HypercubeSum();
        var output = zeroCheck
            ? SumcheckProver.ProveZeroCheck(new Transcript("t"), inst.Shape, inst.Fresh(), tau, claim)
            : SumcheckProver.Prove(new Transcript("t"), inst.Shape, inst.Fresh(), claim);
        bool Accepts(SumcheckProof proof, Fr c, Transcript? t = null)
        {
            t ??= new Transcript("t");
            var res = zeroCheck
                ? SumcheckVerifier.VerifyZeroCheck(t, c, tau, 3, proof)
                : SumcheckVerifier.Verify(t, c, n, 3, proof);
            return res.Success && res.Discharge(inst.ValueAt(res.Point));
        }
        Assert.True(Accepts(output.Proof, claim));
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
            {
                var rounds = CopyRounds(output.Proof);
                rounds[i][k] += Fr.One;
                Assert.False(Accepts(new SumcheckProof(rounds), claim), $"round {i} coefficient {k}");
            }
        Assert.False(Accepts(output.Proof, claim + Fr.One), "claim");
        Assert.False(Accepts(output.Proof, claim, new Transcript("other-domain")), "domain");
        // Final evaluation altered (the caller's discharge).
        var good = zeroCheck
            ? SumcheckVerifier.VerifyZeroCheck(new Transcript("t"), claim, tau, 3, output.Proof)
            : SumcheckVerifier.Verify(new Transcript("t"), claim, n, 3, output.Proof);
        Assert.False(good.Discharge(inst.ValueAt(good.Point) + Fr.One));
        var evals = (Fr[])output.FinalEvaluations.Clone();
        evals[1] += Fr.One;
        Assert.False(good.Discharge(inst.Shape.Combine(evals)));
    }

    [Fact]
    public void TranscriptLabelOrderMatters()
    {
        var rng = new Random(31);
        int n = 5;
        var inst = RandomInstance(rng, n, 2);
        var claim = inst.HypercubeSum();
        Transcript Prefixed(bool swap)
        {
            var t = new Transcript("order");
            t.AppendScalar(swap ? "b" : "a", Fr.One);
            t.AppendScalar(swap ? "a" : "b", (Fr)2);
            return t;
        }
        var output = SumcheckProver.Prove(Prefixed(false), inst.Shape, inst.Fresh(), claim);
        var same = SumcheckVerifier.Verify(Prefixed(false), claim, n, 2, output.Proof);
        Assert.True(same.Discharge(inst.ValueAt(same.Point)));
        var other = SumcheckVerifier.Verify(Prefixed(true), claim, n, 2, output.Proof);
        Assert.True(other.Success);
        Assert.False(other.Discharge(inst.ValueAt(other.Point)));
    }

    [Fact]
    public void MalformedProofsFailWithReasonAndNeverThrow()
    {
        var t = () => new Transcript("m");
        var ok = new SumcheckProof([[Fr.One, Fr.One], [Fr.One, Fr.One]]);
        Assert.True(SumcheckVerifier.Verify(t(), Fr.One, 2, 2, ok).Success);
        var cases = new SumcheckProof?[]
        {
            null,
            new SumcheckProof(null!),
            new SumcheckProof([[Fr.One, Fr.One]]),
            new SumcheckProof([[Fr.One, Fr.One], [Fr.One]]),
            new SumcheckProof([[Fr.One, Fr.One], null!]),
            new SumcheckProof([[Fr.One, Fr.One], [Fr.One, Fr.One], [Fr.One, Fr.One]]),
        };
        foreach (var p in cases)
        {
            var r = SumcheckVerifier.Verify(t(), Fr.One, 2, 2, p);
            Assert.False(r.Success);
            Assert.False(string.IsNullOrEmpty(r.Error));
            Assert.False(r.Discharge(Fr.Zero));
            var z = SumcheckVerifier.VerifyZeroCheck(t(), Fr.One, [Fr.One, Fr.One], 2, p);
            Assert.False(z.Success);
        }
    }

    [Fact]
    public void ProverRejectsInconsistentInputs()
    {
        var shape = new ProductSum(2, [new(Fr.One, [0, 1])]);
        var a = new DenseMle(new Fr[4]);
        Assert.Throws<SumcheckException>(() => SumcheckProver.Prove(new Transcript("x"), shape, [a, new DenseMle(new Fr[8])], Fr.Zero));
        Assert.Throws<SumcheckException>(() => SumcheckProver.Prove(new Transcript("x"), shape, [a, a], Fr.Zero));
        Assert.Throws<SumcheckException>(() => SumcheckProver.Prove(new Transcript("x"), shape, [a], Fr.Zero));
        Assert.Throws<SumcheckException>(() => SumcheckProver.ProveZeroCheck(new Transcript("x"), shape, [a, new DenseMle(new Fr[4])], [Fr.One], Fr.Zero));
        Assert.Throws<ArgumentException>(() => new ProductSum(2, [new(Fr.One, [2])]));
    }

    [Fact]
    public void UniPolyInterpolationRoundTrips()
    {
        var rng = new Random(41);
        for (int d = 0; d <= UniPoly.MaxDegree; d++)
        {
            var c = Enumerable.Range(0, d + 1).Select(_ => Fr.Random(rng)).ToArray();
            var evals = Enumerable.Range(0, d + 1).Select(x => UniPoly.Evaluate(c, (Fr)x)).ToArray();
            Assert.Equal(c, UniPoly.FromEvaluations(evals));
        }
    }

    [Fact]
    public void ProofBytesRoundTripAndRejectBadEncodings()
    {
        var rng = new Random(51);
        var inst = RandomInstance(rng, 4, 3);
        var proof = SumcheckProver.Prove(new Transcript("s"), inst.Shape, inst.Fresh(), inst.HypercubeSum()).Proof;
        var bytes = proof.ToBytes();
        Assert.Equal(4 * 3 * 32, bytes.Length);
        Assert.True(SumcheckProof.TryParse(bytes, 4, 3, out var back, out var err), err);
        Assert.Equal(proof.Rounds, back!.Rounds);
        Assert.False(SumcheckProof.TryParse(bytes.AsSpan(1), 4, 3, out _, out err));
        Assert.Contains("bytes", err);
        var bad = (byte[])bytes.Clone();
        Fr.Modulus.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(bad, 32 * 5);
        Assert.False(SumcheckProof.TryParse(bad, 4, 3, out _, out err));
        Assert.Contains("round 1 element 2", err);
    }
}
