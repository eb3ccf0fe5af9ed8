using CsCheck;
using Nethereum.Contracts;
using Xunit.Abstractions;
using ZkMl.Evm;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>
/// The verifyProof calldata path, where Nethereum decodes: <see cref="VerifierCalldata.Decode"/> (the layout checked,
/// then Nethereum's decoder and re-encoder), <see cref="RevertReason.Decode"/> (Nethereum's Error/Panic decoders on
/// revert data), and the generated contract itself on anvil, whose Solidity ABI decoder reads the same bytes.
/// Structured mutations of valid calldata: the ABI words' low bytes (offsets, lengths, counts) set to edge values,
/// flips, truncation, extension, swaps, repeats.
/// </summary>
[Trait("Category", "Fuzz")]
public class CalldataFuzzTests(ITestOutputHelper output, AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static readonly TimeSpan CaseTime = TimeSpan.FromSeconds(5);

    private void Report(FuzzReport r)
    {
        output.WriteLine(r.Details());
        Console.WriteLine(r.Details());
        Assert.True(r.Crashes.Count == 0, $"{r}\n\n{string.Join("\n\n", r.Crashes)}");
        Assert.True(r.Rejected > 0 || Props.CaseSeed() is not null, $"{r.Parser}: no case reached the typed error: the generator is broken");
    }

    /// <summary>The low 4 bytes of every ABI word after the selector: where offsets, lengths and counts sit (big-endian).</summary>
    private static int[] AbiWordHints(byte[] calldata) => Enumerable.Range(0, (calldata.Length - 4) / 32).Select(i => 4 + 32 * i + 28).ToArray();

    private static long Bound(IEnumerable<byte[]> seeds, Action<byte[]> parse)
    {
        long max = 0;
        foreach (var s in seeds)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { parse(s); }
            catch (FormatException) { } // a seed that is meant to reach the typed outcome (the custom error)
            max = Math.Max(max, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return 16 * max + (16 << 20);
    }

    private static string Describe((int Seed, Mutation M) c) => $"seed calldata {c.Seed}, {c.M}";

    private static readonly InferenceProof Honest = Seeds.Proof;
    private static readonly byte[] HonestProof = Honest.ProofBytes.ToArray(), HonestWords = Honest.PublicInputs.ToArray();

    /// <summary>The tiny proof's calldata, and short ones around the padding boundaries (a 0-, 1- and 33-byte proof).</summary>
    private static readonly byte[][] CalldataSeeds =
    [
        VerifierCalldata.Encode(Honest),
        VerifierCalldata.Encode([], new byte[32]),
        VerifierCalldata.Encode([7], []),
        VerifierCalldata.Encode(Enumerable.Range(1, 33).Select(i => (byte)i).ToArray(), new byte[64]),
    ];

    [Fact]
    public void VerifyProofCalldataDecodedForTheCSharpVerifier()
    {
        var vk = Seeds.Vk;
        void Parse(byte[] b)
        {
            var (proof, words) = VerifierCalldata.Decode(b);
            // Canonical calldata re-encodes to itself, so what the C# verifier gets is exactly what was sent.
            if (!VerifierCalldata.Encode(proof, words).AsSpan().SequenceEqual(b)) throw new InvalidOperationException("decoded calldata does not re-encode to the same bytes");
            var r = InferenceVerifier.Verify(vk, words, proof);
            if (r.IsValid && !(proof.AsSpan().SequenceEqual(HonestProof) && words.AsSpan().SequenceEqual(HonestWords)))
                throw new InvalidOperationException("changed calldata decoded to a proof that verifies");
        }
        long bound = Bound(CalldataSeeds, Parse);
        var gen = Mutations.OfSeeds(CalldataSeeds, hints: AbiWordHints, bigEndianHints: true);
        Report(FuzzRunner.Run("calldata (verifyProof, Nethereum)", gen, c => Parse(c.Mutation.Apply(CalldataSeeds[c.Seed])), e => e is FormatException,
            seed: 0xCA11, ciIterations: 2000, CaseTime, bound, Describe));
    }

    private static readonly byte[] EmptyErrorBody = [.. new byte[31], 0x20, .. new byte[32]];

    /// <summary>Revert data as nodes return it: Error(string), Panic(uint256), a custom error; the decoder never throws.</summary>
    [Fact]
    public void RevertData()
    {
        byte[] text = "zkml: the verifier reverted (out of gas in ecPairing)"u8.ToArray();
        byte[] Word(long v) { var w = new byte[32]; System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(w.AsSpan(24), v); return w; }
        byte[][] seeds =
        [
            [0x08, 0xc3, 0x79, 0xa0, .. Word(0x20), .. Word(text.Length), .. text, .. new byte[(32 - text.Length % 32) % 32]],
            EvmHex.Decode("0x4e487b71" + new string('0', 62) + "11"),
            EvmHex.Decode("0xdeadbeef" + new string('0', 63) + "1"),
        ];
        void Parse(byte[] b)
        {
            string? reason = RevertReason.Decode(b);
            if (b.Length == 0 ? reason is not null : reason is null) throw new InvalidOperationException($"no reason for {b.Length} bytes");
            // An empty message only for a well-formed Error(""): offset 0x20, length 0 (not for a truncated payload).
            if (reason == "" && !(b.Length >= 68 && b.AsSpan(4, 64).SequenceEqual(EmptyErrorBody)))
                throw new InvalidOperationException($"an empty reason for {b.Length} bytes that are not Error(\"\")");
            // Not Error(string) or Panic(uint256): the raw form (the "typed" outcome of a decoder that never throws).
            if (reason is null || reason.StartsWith("custom error 0x", StringComparison.Ordinal)) throw new FormatException("not Error/Panic data");
        }
        long bound = Bound(seeds, Parse);
        var gen = Mutations.OfSeeds(seeds, hints: AbiWordHints, bigEndianHints: true);
        Report(FuzzRunner.Run("revert data (Nethereum)", gen, c => Parse(c.Mutation.Apply(seeds[c.Seed])), e => e is FormatException,
            seed: 0x4E7, ciIterations: 2000, CaseTime, bound, Describe));
    }

    /// <summary>Thrown when the contract rejects a case (false or a revert): the typed outcome of the on-chain run.</summary>
    private sealed class OnChainRejected(string why) : Exception(why);

    /// <summary>
    /// Mutated calldata sent to the generated tiny verifier on anvil (eth_call). The contract accepts a case only if
    /// the arguments Nethereum decodes from it (the ABI's meaning, offsets followed as Solidity does) are the honest
    /// proof and statement; where <see cref="VerifierCalldata.Decode"/> accepts the bytes, the C# verifier's verdict
    /// on them equals the contract's.
    /// </summary>
    [Fact]
    public async Task TheContractAgainstNethereumAndTheCSharpVerifier()
    {
        var vk = Seeds.Vk;
        var source = SolidityVerifierGenerator.Generate(vk);
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, SolidityVerifierGenerator.DefaultContractName,
            SolidityVerifierGenerator.RecommendedSettings, fileName: "Verifier.sol");
        var verifier = await OnChainVerifier.DeployAsync(new EvmChain(anvil.Web3), contract);
        byte[] seed = VerifierCalldata.Encode(Honest);
        Assert.True((await verifier.CallAsync(seed)).Accepted);

        void Check(byte[] b)
        {
            var verdict = verifier.CallAsync(b).GetAwaiter().GetResult();
            (byte[] Proof, byte[] Words)? strict = null;
            try { strict = VerifierCalldata.Decode(b); }
            catch (FormatException) { }
            if (strict is { } s)
            {
                bool cs = InferenceVerifier.Verify(vk, s.Words, s.Proof).IsValid;
                if (cs != verdict.Accepted) throw new InvalidOperationException($"C# says {cs}, the contract says {verdict.Accepted} ({verdict.Error})");
            }
            if (!verdict.Accepted) throw new OnChainRejected(verdict.Reverted ? "reverted" : "false");
            VerifyProofFunction decoded;
            try { decoded = new VerifyProofFunction().DecodeInput(EvmHex.Encode(b)); }
            catch (Exception e) { throw new InvalidOperationException($"the contract accepts calldata Nethereum cannot decode ({e.GetType().Name}: {e.Message})"); }
            if (decoded is null || !decoded.Proof.AsSpan().SequenceEqual(HonestProof) || !VerifyProofFunction.Words(HonestWords).SequenceEqual(decoded.PublicInputs))
                throw new InvalidOperationException("the contract accepts calldata whose ABI arguments are not the honest proof and statement");
        }
        // Extensions of up to 4 KiB and repeats are fine: eth_call has no size limit short of the node's body limit.
        var gen = Mutations.OfSeeds([seed], hints: AbiWordHints, bigEndianHints: true);
        Report(FuzzRunner.Run("calldata (on chain, differential)", gen, c => Check(c.Mutation.Apply(seed)), e => e is OnChainRejected,
            seed: 0x0C4A1, ciIterations: 150, TimeSpan.FromSeconds(10), long.MaxValue / 4, Describe));
    }
}
