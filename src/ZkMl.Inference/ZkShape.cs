using System.Runtime.CompilerServices;
using ZkMl.Algebra;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Inference;

/// <summary>
/// The per-batch layout of a zero-knowledge proof with public inputs (docs/protocol.md "Inference proof" → "ZK mode";
/// docs/zk-design.md §5.2–5.5): W1 as in the default mode; W2 = h′_w, h_t and the <b>mask region</b> — the Libra items of
/// the LogUp zero-check and of the matmul sumcheck, a 2-entry μ item per masked item without a ν̂ value (A_ℓ, R_ℓ,i,
/// mult, h_w, h_t, a_col, W_ℓ) and a 4-entry ν item for Z_ℓ (hidden layers) and b_ℓ (every layer); the degree profiles
/// of both masked sumchecks; the vectors of the ZK batched opening (the model parts, W1, W2) and its N. Prover and
/// verifier build it from the key and the batch alone.
/// </summary>
internal sealed class ZkShape
{
    /// <summary>The shape of a proof with key <paramref name="vk"/> at 2^<paramref name="batchVars"/> padded rows.</summary>
    /// <exception cref="ArgumentException">A key this version cannot prove for (<see cref="ZkInference.Unsupported(VerifyingKey)"/>), one whose part count does not match its model vector, or an opening below <see cref="HyperKzgMask.MinVars"/> variables.</exception>
    public ZkShape(VerifyingKey vk, int batchVars) : this(vk.Layers, vk.Shape, vk.Zk, vk.ModelVars, batchVars, nameof(vk))
    {
        if (vk.ModelCommitments.Count != Parts)
            throw new ArgumentException($"the key has {vk.ModelCommitments.Count} model parts; a model of 2^{vk.ModelVars} entries has {Parts}", nameof(vk));
        if (OpeningVars < HyperKzgMask.MinVars)
            throw new ArgumentException($"the ZK batched opening needs at least {HyperKzgMask.MinVars} variables; this key and batch have {OpeningVars}", nameof(vk));
    }

    /// <summary>
    /// The shape from the parts a verifying key is made of (<see cref="InferenceSetup"/> sizes a ZK key's SRS with it before the
    /// key exists): the layer keys, the key shape, the circuit's ZK flags and the model vector's variables.
    /// </summary>
    /// <exception cref="ArgumentException">A shape this version cannot prove for (<see cref="ZkInference.Unsupported(ZkSettings, KeyShape, IReadOnlyList{LayerKey})"/>). Unlike the key's constructor it accepts N below <see cref="HyperKzgMask.MinVars"/> (the prover refuses such a batch).</exception>
    public static ZkShape FromParts(IReadOnlyList<LayerKey> layers, KeyShape ks, ZkSettings zk, int modelVars, int batchVars)
        => new(layers, ks, zk, modelVars, batchVars, nameof(layers));

    private ZkShape(IReadOnlyList<LayerKey> layers, KeyShape ks, ZkSettings zk, int modelVars, int batchVars, string param)
    {
        if (ZkInference.Unsupported(zk, ks, layers) is { } why) throw new ArgumentException(why, param);
        Batch = new BatchShape(layers, ks, batchVars);
        L = ks.L; H = ks.H;
        Private = zk.Inputs == InputVisibility.Private; // before MmDegrees: a private X is a masked factor
        RangeCheck = Private && zk.InputRangeCheck;
        XVars = batchVars + layers[0].InVars;
        if (RangeCheck && (ks.InputItem < 0 || ks.FillerItem < 0))
            throw new ArgumentException("a key with the input range check has no input segment in its table", param);
        if (RangeCheck && layers[0].InVars < 2)
            throw new ArgumentException("the input range check needs an input width of at least 4 (X's selector is its column MSB, not its LSB)", param);
        // the input side of the LogUp (docs/zk-design.md §6): f_in over X′'s b + i_0 variables
        NIn = RangeCheck ? XVars : -1;
        N = Batch.F!.NumVars; M = ks.TableLayout!.NumVars; Nlu = Math.Max(Math.Max(N, M), NIn);
        MmLayers = Enumerable.Range(0, L).Reverse().Where(ks.InMatmul).ToArray();
        I = ProofParts.MatmulVars(layers, ks);
        LuDegrees = RangeCheck
            ? LogUpProver.MaskedDegrees(N, M, [LogUpPolynomial.Witness, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities,
                LogUpPolynomial.WitnessHelper, LogUpPolynomial.TableHelper, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness], NIn)
            : LogUpProver.MaskedDegrees(N, M, [LogUpPolynomial.Witness, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities,
                LogUpPolynomial.WitnessHelper, LogUpPolynomial.TableHelper]);
        MmDegrees = SumcheckProver.RoundDegrees(MatmulShape(Enumerable.Repeat(Fr.One, MmLayers.Length).ToArray()), I, MatmulMasked());

        // W2: item 0 = h′_w (as the default mode's), item 1 = h_t, then the mask region.
        var items = new List<int> { Batch.F.NumVars, M };
        int Add(int logSize) { items.Add(logSize); return items.Count - 1; }
        LibraLu = Add(Log2(LibraMask.TableLength(Nlu)));
        LibraMm = Add(Log2(LibraMask.TableLength(I)));
        MuA = new int[H]; MuR = new int[H][]; NuZ = new int[H];
        for (int l = 0; l < H; l++)
        {
            MuA[l] = Add(1);
            MuR[l] = Enumerable.Range(0, layers[l].Limbs).Select(_ => Add(1)).ToArray();
            NuZ[l] = Add(2);
        }
        MuMult = Add(1); MuHw = Add(1); MuHt = Add(1); MuAcol = Add(1);
        MuW = new int[L]; NuB = new int[L];
        for (int l = 0; l < L; l++) { MuW[l] = Add(1); NuB[l] = Add(2); }
        // private inputs: X is a masked factor of layer 0's matmul, its μ item last in the mask region (docs/zk-design.md §6)
        MuX = Private ? Add(1) : -1;
        // the input range check: h_in's μ item after μ_X (W3 = h_in is its own vector)
        MuHin = RangeCheck ? Add(1) : -1;
        // C_X is constrained only through layer 0's matmul factor: a private key whose layer 0 is not in the matmul would
        // leave the input commitment without any claim (today spatial layers are refused before this; keep it explicit).
        if (Private && !MmLayers.Contains(0))
            throw new ArgumentException("a private-input key whose first layer is not a matmul layer: the input commitment would have no claim", param);
        W2 = new Layout(items);

        int k = VerifyingKey.ModelSplitBits(modelVars);
        Parts = 1 << k;
        PartVars = modelVars - k;
        // Split opening vectors (docs/protocol.md "ZK mode: split opening vectors"): W1, W2, X′ and W3 of SplitMinVars or more
        // variables are committed and opened as two halves of one variable fewer; the opening runs over the largest half.
        SplitW1 = Batch.W1!.NumVars >= SplitVars;
        SplitW2 = W2.NumVars >= SplitVars;
        SplitX = Private && SplitsInput(XVars);
        SplitW3 = RangeCheck && SplitX; // (W3 = h_in has X′'s n_in = b + i_0 variables)
        OpeningVars = Math.Max(PartVars, Math.Max(Batch.W1.NumVars - (SplitW1 ? 1 : 0), W2.NumVars - (SplitW2 ? 1 : 0)));
        if (Private) OpeningVars = Math.Max(OpeningVars, XVars - (SplitX ? 1 : 0));
    }

    /// <summary>
    /// Vectors of W1, W2, X′ and W3 with at least this many variables are split at their top index bit into two committed
    /// halves (docs/protocol.md "ZK mode: split opening vectors"): 2^18 entries, i.e. from MNIST B = 256 on; smaller batches,
    /// whose gas matters most (B = 1, 16), keep one commitment per vector.
    /// </summary>
    public const int SplitMinVars = 18;

    /// <summary>
    /// TEST ONLY: when set, vectors split from this many variables on instead of <see cref="SplitMinVars"/> (so small circuits
    /// exercise the split in the C# and Solidity verifiers). Prover, verifier, statement, input commitment and the verifier
    /// generator all read it through <see cref="SplitVars"/>. Never set outside tests.
    /// </summary>
    internal static readonly AsyncLocal<int?> SplitVarsForTests = new();

    /// <summary>The split threshold in effect: <see cref="SplitMinVars"/> (or the test override).</summary>
    public static int SplitVars => SplitVarsForTests.Value ?? SplitMinVars;

    /// <summary>True when a private input X′ of 2^<paramref name="xVars"/> entries (Bp·2^{i_0}) is committed as two halves (C_X = two points).</summary>
    public static bool SplitsInput(int xVars) => xVars >= SplitVars;

    /// <summary>W1 is committed as two halves.</summary>
    public bool SplitW1 { get; }

    /// <summary>W2 is committed as two halves.</summary>
    public bool SplitW2 { get; }

    /// <summary>X′ is committed as two halves (C_X in the statement is two points).</summary>
    public bool SplitX { get; }

    /// <summary>W3 = h_in is committed as two halves.</summary>
    public bool SplitW3 { get; }

    /// <summary>The split flag of each logical opening vector (parts, W1, W2, [X], [W3]: <see cref="ZkInference.OpeningVectors"/>' roles).</summary>
    public bool[] SplitFlags()
    {
        var f = new List<bool>(Enumerable.Repeat(false, Parts)) { SplitW1, SplitW2 };
        if (Private) f.Add(SplitX);
        if (RangeCheck) f.Add(SplitW3);
        return [.. f];
    }

    /// <summary>Points the proof carries for the high halves of W1, W2 and W3 (after the opening, docs/protocol.md "Proof bytes" → "ZK mode").</summary>
    public int HighCommitments => (SplitW1 ? 1 : 0) + (SplitW2 ? 1 : 0) + (SplitW3 ? 1 : 0);

    public BatchShape Batch { get; }

    public int L { get; }

    public int H { get; }

    /// <summary>Variables of the LogUp witness f (n) and table (m), and of its zero-check (max(n, m)).</summary>
    public int N { get; }

    public int M { get; }

    public int Nlu { get; }

    /// <summary>The matmul layers, ℓ = L−1 … 0 (the proof's layer order).</summary>
    public int[] MmLayers { get; }

    /// <summary>Rounds of the matmul sumcheck.</summary>
    public int I { get; }

    public int[] LuDegrees { get; }

    public int[] MmDegrees { get; }

    /// <summary>W2 with the mask region.</summary>
    public Layout W2 { get; }

    public int LibraLu { get; }

    public int LibraMm { get; }

    /// <summary>μ items (2 entries) of A_ℓ, R_ℓ,i (hidden ℓ), mult, h_w, h_t, a_col and W_ℓ; ν items (4 entries) of Z_ℓ (hidden) and b_ℓ.</summary>
    public int[] MuA { get; }

    public int[][] MuR { get; }

    public int[] NuZ { get; }

    public int MuMult { get; }

    public int MuHw { get; }

    public int MuHt { get; }

    public int MuAcol { get; }

    public int[] MuW { get; }

    public int[] NuB { get; }

    /// <summary>Private inputs: the statement holds C_X and X is the opening vector <see cref="XVector"/>.</summary>
    public bool Private { get; }

    /// <summary>The 2-entry μ item of X (private inputs; −1 otherwise).</summary>
    public int MuX { get; }

    /// <summary>Variables of X′ (Bp × 2^{i_0}): b + i_0.</summary>
    public int XVars { get; }

    /// <summary>The opening vector of X (private inputs): after W2.</summary>
    public int XVector => Parts + 2;

    /// <summary>Private inputs with the input range check (VK flag bit 2): the LogUp has an input side, W3 = h_in.</summary>
    public bool RangeCheck { get; }

    /// <summary>Variables of the LogUp's input side f_in and of W3 = h_in (b + i_0), or −1 without the range check.</summary>
    public int NIn { get; }

    /// <summary>The 2-entry μ item of h_in (the range check; −1 otherwise).</summary>
    public int MuHin { get; }

    /// <summary>The opening vector of W3 = h_in (the range check): after X.</summary>
    public int W3Vector => Parts + 3;

    /// <summary>2^k model parts of 2^PartVars entries: opening vectors 0 … Parts−1; W1 = Parts, W2 = Parts + 1, X = Parts + 2 (private inputs).</summary>
    public int Parts { get; }

    public int PartVars { get; }

    public int W1Vector => Parts;

    public int W2Vector => Parts + 1;

    /// <summary>N of the ZK batched opening (the largest opened vector's variables, a split vector's halves counted).</summary>
    public int OpeningVars { get; }

    /// <summary>
    /// The matmul sumcheck's shape: factor 2j = the input table of matmul layer j (ℓ = L−1 … 0), 2j + 1 = its weights, and
    /// the last factor the correction table of §5.4 (a function of the last variable only).
    /// </summary>
    public ProductSum MatmulShape(Fr[] coefficients)
    {
        var terms = new List<ProductTerm>();
        for (int j = 0; j < coefficients.Length; j++) terms.Add(new ProductTerm(coefficients[j], [2 * j, 2 * j + 1]));
        terms.Add(new ProductTerm(Fr.One, [2 * coefficients.Length]));
        return new ProductSum(2 * coefficients.Length + 1, terms);
    }

    /// <summary>Factors with a vanishing mask: every W_ℓ and every hidden A, and X (layer 0's input) when it is private (public X is unmasked).</summary>
    public int[] MatmulMasked()
    {
        var r = new List<int>();
        for (int j = 0; j < MmLayers.Length; j++)
        {
            if (MmLayers[j] >= 1 || Private) r.Add(2 * j);
            r.Add(2 * j + 1);
        }
        return r.ToArray();
    }

    /// <summary>Expected proof length (docs/protocol.md "Proof bytes" → "ZK mode").</summary>
    public long ProofLength(VerifyingKey vk)
    {
        long len = 128 + 128 + (RangeCheck ? 64 : 0) + LogUpMaskedProof.EncodedLength(LuDegrees, RangeCheck) + 32L * vk.Shape.ColumnCount + 32;
        len += 32L * MmLayers.Length + 32 + 32L * MmDegrees.Sum() + 64L * MmLayers.Length + 32L * NuCount + 32;
        return len + ZkBatchOpeningProof.EncodedLength(OpeningVars) + 64L * HighCommitments;
    }

    /// <summary>Number of ν̂ values: ν̂_Z per hidden layer and ν̂_b per layer.</summary>
    public int NuCount => H + MmLayers.Length;

    private static int Log2(int x) => System.Numerics.BitOperations.Log2((uint)x);
}

/// <summary>
/// The affine-mask S-points of the ZK batched opening for one proving key (<see cref="ZkOpeningSetup.MaskPoints(Srs, int)"/>, N + 1 + K
/// points per batch size): the proving key's (<see cref="ProvingKey.ZkMaskPoints"/>, made at setup), or — for an N the key
/// does not hold — computed from the key's SRS on first use and cached per key and N. The one place the prover obtains them.
/// </summary>
internal static class ZkMaskPoints
{
    private static readonly ConditionalWeakTable<ProvingKey, Dictionary<int, G1Affine[]>> Cache = new();

    /// <summary>The mask points for a padded batch of <paramref name="paddedBatch"/> rows.</summary>
    /// <exception cref="ArgumentException">The SRS is too small for the opening of this batch.</exception>
    public static G1Affine[] For(ProvingKey pk, int paddedBatch)
    {
        ArgumentNullException.ThrowIfNull(pk);
        int n = new ZkShape(pk.VerifyingKey, System.Numerics.BitOperations.Log2((uint)paddedBatch)).OpeningVars;
        if (pk.Srs.G1Powers.Length < 1L << n)
            throw new ArgumentException($"a batch of {paddedBatch} padded rows needs a ZK opening over 2^{n} entries; the proving key's SRS has {pk.Srs.G1Powers.Length} powers (a key made before zkml sized zero-knowledge keys by their opening, docs/protocol.md \"Keys\": run setup again, or prove a smaller batch)", nameof(paddedBatch));
        return ForVars(pk, n);
    }

    private static readonly ConditionalWeakTable<ProvingKey, Dictionary<long, G1Affine[]>> ConfinedCache = new();

    /// <summary>
    /// L* of the opening's mask (docs/protocol.md "ZK mode: the column-major private input", (4)): for a private-input key the
    /// largest public used prefix of the opening's vectors — a model part's whole 2^PartVars, W1's and W2's last item end,
    /// X′'s and W3's inputSize·Bp (column-major) — raised to <see cref="ZkOpeningMask.MinConfinedLength"/> (below it no
    /// prefix mask hides); 2^N (the unconfined mask) for public-input keys and when L* reaches 2^N. Split vectors count by their
    /// halves (the low half's used prefix, which the high half's never exceeds). A function of the key and Bp only.
    /// </summary>
    public static long MaskLength(VerifyingKey vk, ZkShape zs, int paddedBatch)
    {
        ArgumentNullException.ThrowIfNull(vk);
        return MaskLength(vk.InputSize, zs, paddedBatch);
    }

    /// <summary>As <see cref="MaskLength(VerifyingKey, ZkShape, int)"/> for a key whose input has <paramref name="inputSize"/> entries (setup sizes its table with it before the key exists).</summary>
    internal static long MaskLength(int inputSize, ZkShape zs, int paddedBatch)
    {
        ArgumentNullException.ThrowIfNull(zs);
        long full = 1L << zs.OpeningVars;
        if (!zs.Private) return full;
        static long End(Layout l) { long e = 0; for (int i = 0; i < l.Count; i++) e = Math.Max(e, l.Offset(i) + l.Size(i)); return e; }
        // a split vector's halves: the low half holds min(end, 2^{n−1}), the high half the rest (never more)
        static long Half(long end, int vars, bool split) => split ? Math.Min(end, 1L << (vars - 1)) : end;
        long used = zs.Parts > 0 ? 1L << zs.PartVars : 0;
        used = Math.Max(used, Half(End(zs.Batch.W1!), zs.Batch.W1!.NumVars, zs.SplitW1));
        used = Math.Max(used, Half(End(zs.W2), zs.W2.NumVars, zs.SplitW2));
        used = Math.Max(used, Half((long)inputSize * paddedBatch, zs.XVars, zs.SplitX));
        used = Math.Max(used, ZkOpeningMask.MinConfinedLength(zs.OpeningVars));
        return Math.Min(used, full);
    }

    /// <summary>The confined mask points <see cref="ZkOpeningSetup.MaskPoints(Srs, int, long)"/>(srs, n, L*), computed once per key and L*.</summary>
    public static G1Affine[] ForConfined(ProvingKey pk, int n, long used)
    {
        ArgumentNullException.ThrowIfNull(pk);
        var perKey = ConfinedCache.GetValue(pk, _ => []);
        lock (perKey)
        {
            long key = (long)n << 40 | used;
            if (!perKey.TryGetValue(key, out var pts))
            {
                pts = ZkOpeningSetup.MaskPoints(pk.Srs, n, used);
                perKey[key] = pts;
            }
            return pts;
        }
    }

    /// <summary>
    /// The mask points for <paramref name="n"/> variables: the opening's N, and the prover's HyperKZG fold levels N − 3i
    /// (every one of them ≥ 4 = <see cref="ZkMl.Proofs.Commitments.HyperKzgMask.MinVars"/>, so the key's table holds them too).
    /// </summary>
    /// <exception cref="ArgumentException">The SRS has fewer than 2^n powers.</exception>
    public static G1Affine[] ForVars(ProvingKey pk, int n)
    {
        ArgumentNullException.ThrowIfNull(pk);
        // the proving key's points, computed at setup (PK v6 part 7); else computed here once per key and N
        if (pk.ZkMaskVars is { } range && n >= range.Min && n <= range.Max) return [.. pk.ZkMaskPoints(n)];
        var perKey = Cache.GetValue(pk, _ => []);
        lock (perKey)
        {
            if (!perKey.TryGetValue(n, out var pts))
            {
                if (pk.Srs.G1Powers.Length < 1L << n)
                    throw new ArgumentException($"mask points for {n} variables need 2^{n} SRS powers; the proving key's SRS has {pk.Srs.G1Powers.Length}", nameof(n));
                pts = ZkOpeningSetup.MaskPoints(pk.Srs, n);
                perKey[n] = pts;
            }
            return pts;
        }
    }
}
