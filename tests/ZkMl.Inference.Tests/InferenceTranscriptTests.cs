using System.Numerics;
using System.Text;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Hashing;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Replays the inference transcript straight from docs/protocol.md ("Transcript", "Inference proof"),
/// with its own Keccak chaining over the raw proof bytes, up to the batched opening, and compares the
/// state with the verifier's at that point.
/// </summary>
public class InferenceTranscriptTests
{
    private static readonly BigInteger R = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617");

    private sealed class Replay(string domain)
    {
        private byte[] _s = Keccak256.Hash(Encoding.UTF8.GetBytes(domain));

        public byte[] State => _s;

        private static byte[] Label(string l) { var b = new byte[32]; Encoding.ASCII.GetBytes(l).CopyTo(b, 0); return b; }

        public void Absorb(string label, ReadOnlySpan<byte> data) => _s = Keccak256.Hash([.. _s, .. Label(label), .. data]);

        public BigInteger Challenge(string label)
        {
            _s = Keccak256.Hash([.. _s, .. Label(label)]);
            return new BigInteger(_s, isUnsigned: true, isBigEndian: true) % R;
        }

        // absorb-challenge (the sumcheck rounds): the new state is the challenge
        public BigInteger AbsorbChallenge(string label, ReadOnlySpan<byte> data)
        {
            Absorb(label, data);
            return new BigInteger(_s, isUnsigned: true, isBigEndian: true) % R;
        }

        public BigInteger[] Challenges(string label, int n) => Enumerable.Range(0, n).Select(_ => Challenge(label)).ToArray();
    }

    private static byte[] Word(BigInteger v) { var b = new byte[32]; var raw = ((v % R + R) % R).ToByteArray(isUnsigned: true, isBigEndian: true); raw.CopyTo(b, 32 - raw.Length); return b; }

    private static BigInteger Read(ReadOnlySpan<byte> b) => new(b, isUnsigned: true, isBigEndian: true);

    private static BigInteger Eq(BigInteger[] r, long index, int n)
    {
        BigInteger acc = 1;
        for (int j = 0; j < n; j++)
        {
            bool bit = ((index >> (n - 1 - j)) & 1) == 1;
            acc = acc * (bit ? r[j] : 1 - r[j] + R) % R;
        }
        return acc;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Transcript_follows_the_protocol_document(int batch)
    {
        var net = InferenceFixtures.Random(41, [7, 6, 5, 3], [Activation.Relu, Activation.Sigmoid, Activation.None]);
        var samples = InferenceFixtures.Samples(42, 6, 7);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 4);
        var proof = InferenceProver.Prove(pk, samples.Take(batch).ToArray());
        byte[]? verifierState = null;
        Assert.True(InferenceVerifier.Verify(vk, proof.PublicInputs, proof.ProofBytes, s => verifierState = s).IsValid);

        var p = proof.ProofBytes.ToArray();
        var io = proof.DecodePublicIO(vk);
        int b = BitOperations.Log2((uint)io.PaddedBatch);
        var t = new Replay("zkml-inference-v1");
        t.Absorb("vk", vk.Digest);
        t.Absorb("io", proof.PublicInputs);
        int o = 0;
        byte[] Take(int len) { var s = p.AsSpan(o, len).ToArray(); o += len; return s; }
        // Sizes from the layouts: f has 2^n entries, t has 2^m (docs/protocol.md "Aligned layouts").
        var bs = new BatchShape(vk, b);
        int n = bs.F!.NumVars, m = vk.Shape.TableLayout!.NumVars;
        t.Absorb("w1", Take(64));
        t.Challenge("beta");
        t.Challenge("alpha");
        t.Absorb("w2", Take(64));
        t.Absorb("logup_sum", Take(32));
        t.Challenge("logup_lambda");
        int nn = Math.Max(n, m);
        if (nn > 0) t.Challenge("logup_tau"); // τ_1; τ_{i+1} = τ_i²
        t.Absorb("sumcheck_claim", new byte[32]);
        var r = new BigInteger[nn];
        for (int i = 0; i < nn; i++) r[i] = t.AbsorbChallenge("sumcheck_round", Take(64));
        t.Absorb("logup_evals", Take(160));
        int colCount = 1 + vk.Layers.Take(vk.HiddenLayers).Sum(l => 2 + l.Limbs);
        var cols = Enumerable.Range(0, colCount).Select(i => Read(p.AsSpan(o + 32 * i, 32))).ToArray();
        t.Absorb("cols", Take(32 * colCount));
        Take(32); // the filler hint c_f = 1/(α − 1): in the proof, not absorbed
        // r_w: the last n of the zero-check's challenges.
        var rw = r[(nn - n)..];

        int L = vk.Layers.Count;
        var point = t.Challenges("out_r", b + vk.Layers[L - 1].OutVars);
        // z = Ỹ(r): all padded rows, the real output columns.
        BigInteger z = 0;
        int ov = vk.Layers[L - 1].OutVars;
        for (int row = 0; row < io.PaddedBatch; row++)
            for (int j = 0; j < vk.OutputSize; j++)
                z += Eq(point, ((long)row << ov) + j, point.Length) * io.OutputRow(row)[j];
        // The claims z_ℓ: the output layer's, then Z_{l}(p_l) from relation (R) with the cols values.
        var zs = new BigInteger[L];
        zs[L - 1] = z;
        for (int l = L - 2; l >= 0; l--)
        {
            int ci = vk.Layers.Take(l).Sum(x => 2 + x.Limbs);
            var k = vk.Layers[l];
            BigInteger acc = cols[ci] * BigInteger.Pow(2, k.Shift);
            for (int i = 0; i < k.Limbs; i++) acc += cols[ci + 2 + i] * BigInteger.Pow(2, i * vk.LimbBits);
            acc -= BigInteger.Pow(2, k.Shift - 1);
            zs[l] = (acc % R + R) % R * BigInteger.ModPow(k.Multiplier, R - 2, R) % R;
        }
        var biases = new BigInteger[L];
        for (int l = L - 1; l >= 0; l--) { biases[l] = Read(p.AsSpan(o, 32)); t.Absorb("bias", Take(32)); }
        var lambda = t.Challenge("mm_lambda");
        int iMax = vk.Layers.Max(x => x.InVars);
        BigInteger claim = 0, coef = 1;
        for (int l = L - 1; l >= 0; l--)
        {
            claim += coef * BigInteger.Pow(2, iMax - vk.Layers[l].InVars) * (zs[l] - biases[l]);
            coef = coef * lambda % R;
        }
        t.Absorb("sumcheck_claim", Word(claim));
        for (int i = 0; i < iMax; i++) t.AbsorbChallenge("sumcheck_round", Take(64));
        t.Absorb("mm", Take(64 * L));
        _ = rw;
        Assert.Equal(verifierState, t.State);
    }
}
