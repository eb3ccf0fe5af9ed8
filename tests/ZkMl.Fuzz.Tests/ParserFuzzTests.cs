using CsCheck;
using Xunit.Abstractions;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>
/// Every parser against structured mutations of valid files (<see cref="Mutations"/>, <see cref="JsonMutations"/>):
/// each case must end in the parser's typed error or a valid result — never another exception, a slow case,
/// a large allocation or a hang (<see cref="FuzzRunner"/>). CI runs a few hundred cases per parser from a fixed
/// seed; <c>ZKML_FUZZ_ITER</c> / <c>ZKML_FUZZ_SEED</c> run longer or elsewhere (tests/ZkMl.Fuzz.Tests/README.md).
/// </summary>
[Trait("Category", "Fuzz")]
public class ParserFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CaseTime = TimeSpan.FromSeconds(5);

    private void Report(FuzzReport r)
    {
        output.WriteLine(r.Details());
        Console.WriteLine(r.Details());
        Assert.True(r.Crashes.Count == 0, $"{r}\n\n{string.Join("\n\n", r.Crashes)}");
        Assert.True(r.Rejected > 0 || Props.CaseSeed() is not null, $"{r.Parser}: no case reached the typed error: the generator is broken");
    }

    /// <summary>The allocation bound of a parser: 16 × what the largest valid seed costs to parse, plus 16 MiB.</summary>
    private static long Bound<T>(IEnumerable<T> seeds, Action<T> parse)
    {
        long max = 0;
        foreach (var s in seeds)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            parse(s);
            max = Math.Max(max, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return 16 * max + (16 << 20);
    }

    private static string Describe((int Seed, Mutation M) c) => $"seed file {c.Seed}, {c.M}";

    [Fact]
    public void Onnx()
    {
        var seeds = Seeds.Onnx;
        void Parse(byte[] b) => OnnxImporter.Import(b, "fuzz.onnx");
        long bound = Bound(seeds, Parse);
        // Half model-level edits (parsed, edited, re-serialized: they reach the importer), half wire-format mutations.
        var model = Gen.Int[0, seeds.Length - 1].SelectMany(i => OnnxEdit.Of().Select(m => (i, m)));
        Gen<(int Seed, Mutation Mutation)> gen = Gen.Frequency((1, (IGen<(int, Mutation)>)model), (1, Mutations.OfSeeds(seeds, varints: Mutations.ProtobufVarints)));
        Report(FuzzRunner.Run("onnx", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])),
            e => e is ModelFormatException or CompileException, seed: 0x0_4E4E, ciIterations: 1500, CaseTime, bound, Describe));
    }

    [Fact]
    public void ModelJsonFiles()
    {
        var seeds = Seeds.ModelJsons;
        void Parse(string s) => ModelJson.Parse(s, "fuzz.json");
        long bound = Bound(seeds, Parse);
        var gen = Gen.Int[0, seeds.Length - 1].SelectMany(i => JsonMutations.Of(seeds[i]));
        Report(FuzzRunner.Run("model.json", gen, Parse, e => e is ModelFormatException, seed: 0x15_0E, ciIterations: 1000, CaseTime, bound + (32 << 20)));
    }

    [Fact]
    public void InputJsonFiles()
    {
        var seeds = Seeds.InputJsons;
        int[] widths = [Seeds.TinyNetwork.InputSize, 6];
        var gen = Gen.Int[0, seeds.Length - 1].SelectMany(i => JsonMutations.Of(seeds[i]).Select(s => (i, s)));
        long bound = Bound(seeds.Select((s, i) => (i, s)), t => InputData.Parse(t.s, widths[t.i], "fuzz-input.json"));
        Report(FuzzRunner.Run("input.json", gen, t => InputData.Parse(t.s, widths[t.i], "fuzz-input.json"),
            e => e is ModelFormatException, seed: 0x1_7E, ciIterations: 1000, CaseTime, bound + (32 << 20)));
    }

    [Fact]
    public void CircuitFiles()
    {
        var seeds = Seeds.Zkc;
        void Parse(byte[] b) => CircuitFile.FromBytes(b, "fuzz.zkc");
        long bound = Bound(seeds, Parse);
        // Two in three edits go behind the header and digest (content decoder), the rest hit the framing.
        var inner = Gen.Int[0, seeds.Length - 1].SelectMany(i =>
            Mutations.Of(seeds[i].Length - ZkcContent.Header - 32, hints: Enumerable.Range(0, 64).ToArray()).Select(m => (i, (Mutation)new ZkcContent(m))));
        Gen<(int Seed, Mutation Mutation)> gen = Gen.Frequency((2, (IGen<(int, Mutation)>)inner), (1, Mutations.OfSeeds(seeds, hints: Header32, checksummed: true)));
        Report(FuzzRunner.Run(".zkc", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is ModelFormatException,
            seed: 0x2C, ciIterations: 1500, CaseTime, bound, Describe));
    }

    /// <summary>Every 4-byte-aligned offset of the first 256 bytes: where the binary formats keep their counts and lengths.</summary>
    private static int[] Header32(byte[] b) => Enumerable.Range(0, Math.Min(64, b.Length / 4)).Select(i => 4 * i).ToArray();

    [Fact]
    public void VerifyingKeys()
    {
        var honest = Seeds.Vk.ToBytes();
        // (the ZK key, version 6: its reader also decodes the flags and H; the verifier rejects every proof for it)
        byte[][] seeds = [honest, Seeds.Zk.VerifyingKey.ToBytes()];
        var proof = Seeds.Proof;
        byte[] pi = proof.PublicInputs.ToArray(), pb = proof.ProofBytes.ToArray();
        void Parse(byte[] b)
        {
            // Never throws: a bad key is false with a reason (the typed error), so any exception is a crash.
            if (!VerifyingKey.TryFromBytes(b, out var vk, out var reason)) throw new InferenceFormatException("fuzz-vk.bin", reason!);
            // A key that loads goes to the verifier with the honest proof (the overload without the proof's own
            // digest, so the mutated key's shapes reach the decoder): a verdict, never an exception; a changed
            // key never accepts it.
            var result = InferenceVerifier.Verify(vk!, pi, pb);
            if (result.IsValid && !b.AsSpan().SequenceEqual(honest)) throw new InvalidOperationException("a changed verifying key accepted the proof");
        }
        long bound = Bound(seeds, Parse);
        var gen = Mutations.OfSeeds(seeds, hints: Header32, checksummed: true);
        Report(FuzzRunner.Run("vk", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is InferenceFormatException,
            seed: 0x7E, ciIterations: 2000, CaseTime, bound, Describe));
    }

    [Fact]
    public void ProvingKeys()
    {
        byte[][] seeds = [Seeds.Pk.ToBytes()];
        void Parse(byte[] b) => ProvingKey.FromBytes(b, "fuzz-pk.bin");
        long bound = Bound(seeds, Parse);
        // Part-level edits with each part's own framing (vk and SRS: trailing SHA-256; circuit: content + digest),
        // reassembled with lengths and the outer digest; and edits of the outer framing.
        var vkLen = Seeds.Vk.ToBytes().Length;
        var partEdit =
            from part in Gen.Int[0, 4]
            from m in Mutations.Of(part == 0 ? vkLen : 4096, hints: Enumerable.Range(0, 64).Select(i => 4 * i).ToArray())
            select (0, (Mutation)new ProvingKeyPart(part, part switch { 0 or 2 => new Reseal(m), 1 => new ZkcContent(m), _ => m }));
        Gen<(int Seed, Mutation Mutation)> gen = Gen.Frequency((3, (IGen<(int, Mutation)>)partEdit), (1, Mutations.OfSeeds(seeds, hints: Header32, checksummed: true)));
        Report(FuzzRunner.Run("pk", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is InferenceFormatException,
            seed: 0x9C, ciIterations: 300, TimeSpan.FromSeconds(20), bound, Describe));
    }

    [Fact]
    public void ModelSecretFiles()
    {
        byte[][] seeds = [Seeds.Zk.Secret.ToBytes()];
        void Parse(byte[] b) => ModelSecret.FromBytes(b, "fuzz.secret");
        long bound = Bound(seeds, Parse);
        var gen = Mutations.OfSeeds(seeds, hints: Header32, checksummed: true);
        Report(FuzzRunner.Run("model.secret", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is InferenceFormatException,
            seed: 0x5EC, ciIterations: 1000, CaseTime, bound, Describe));
    }

    [Fact]
    public void SrsCacheFiles()
    {
        // version 2 (the key layout) and version 3 (the cache, with the flags word and the blinding base H)
        byte[][] seeds = [Srs.CreateInsecureDev(63, seed: 5).ToBytes(), Srs.CreateInsecureDev(63, seed: 5).ToBytes(withBlindingBase: true)];
        void Parse(byte[] b) => Srs.FromBytes(b, "fuzz.srs");
        long bound = Bound(seeds, Parse);
        // plus the word after [τ]₂ (version 3: the flags; version 2: the first power)
        var gen = Mutations.OfSeeds(seeds, hints: b => [12, 16, 20, 348 + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(88)), .. Header32(b)], checksummed: true);
        Report(FuzzRunner.Run("SRS cache", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is SrsFormatException,
            seed: 0x5A5, ciIterations: 1000, CaseTime, bound, Describe));
    }

    [Fact]
    public void ProofFiles()
    {
        var vk = Seeds.Vk;
        var honest = Seeds.Proof;
        byte[][] seeds = [honest.ToFileBytes()];
        void Parse(byte[] b)
        {
            if (!InferenceProof.TryFromFileBytes(b, out var proof, out var reason)) throw new InferenceFormatException("fuzz-proof.bin", reason!);
            // A file that decodes goes on to the verifier, which must return a verdict (never throw) on any bytes.
            var result = InferenceVerifier.Verify(vk, proof!);
            if (!result.IsValid) throw new InferenceFormatException("fuzz-proof.bin", "rejected by the verifier: " + result.Reason);
            if (!proof!.ProofBytes.SequenceEqual(honest.ProofBytes) || !proof.PublicInputs.SequenceEqual(honest.PublicInputs))
                throw new InvalidOperationException("a changed proof or statement verified");
        }
        long bound = Bound(seeds, Parse);
        var gen = Mutations.OfSeeds(seeds, hints: b => [44, .. Header32(b)], checksummed: true);
        Report(FuzzRunner.Run("proof", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is InferenceFormatException,
            seed: 0x9F, ciIterations: 400, CaseTime, bound, Describe));
    }

    [Fact]
    public void ProofBytesAndPublicInputsAtTheVerifier()
    {
        var vk = Seeds.Vk;
        var proof = Seeds.Proof;
        byte[] pi = proof.PublicInputs.ToArray(), pb = proof.ProofBytes.ToArray();
        void Check((bool OnInputs, Mutation M) c)
        {
            byte[] a = c.OnInputs ? c.M.Apply(pi) : pi, b = c.OnInputs ? pb : c.M.Apply(pb);
            var result = InferenceVerifier.Verify(vk, a, b);
            bool same = a.AsSpan().SequenceEqual(pi) && b.AsSpan().SequenceEqual(pb);
            if (!result.IsValid) throw new InferenceFormatException("fuzz", result.Reason ?? "rejected");
            if (!same) throw new InvalidOperationException("a changed proof or statement verified");
        }
        long bound = Bound([(false, (Mutation)new Flip([])) ], _ => InferenceVerifier.Verify(vk, pi, pb));
        var gen = Gen.Bool.SelectMany(onInputs => Mutations.Of(onInputs ? pi.Length : pb.Length, hints: [0, 32, 64]).Select(m => (onInputs, m)));
        Report(FuzzRunner.Run("proof bytes + public inputs (verifier)", gen, Check, e => e is InferenceFormatException,
            seed: 0xB17E5, ciIterations: 400, CaseTime, bound));
    }
}
