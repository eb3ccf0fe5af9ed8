using System.Numerics;
using Nethereum.JsonRpc.Client;
using Xunit.Abstractions;
using ZkMl.Algebra.Evm;
using ZkMl.TestKit;
using static ZkMl.Algebra.Tests.PrecompileCases;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// Differential tests: our <see cref="Precompiles"/> against the real BN254 precompiles of a local
/// anvil node, on random valid and invalid inputs (byte-identical output, same success/failure).
/// The class runs alone (its own non-parallel collection): in CI's scalar-path rerun (DOTNET_EnableHWIntrinsic=0) the
/// CPU-bound classes running beside it starved the RPC round trips (EcMulMatchesAnvil failed there in sessions 15 and 24
/// and passed on every rerun alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class PrecompileAnvilCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "precompiles against anvil";
}

[Collection(PrecompileAnvilCollection.Name)]
public class PrecompileAnvilTests(AnvilFixture anvil, ITestOutputHelper output) : IClassFixture<AnvilFixture>
{
    private delegate bool Precompile(ReadOnlySpan<byte> input, out byte[] result);

    private async Task CompareAsync(string address, Precompile ours, List<byte[]> inputs)
    {
        // At most 8 calls in flight: 130 at once on a loaded 2-core machine failed once in CI (session 15, the scalar-path
        // rerun of test.sh) and passed on every rerun; the comparison does not depend on the calls being concurrent.
        using var gate = new SemaphoreSlim(8);
        var results = await Task.WhenAll(inputs.Select(async i =>
        {
            await gate.WaitAsync();
            try { return await CallWithRetryAsync(address, i); }
            finally { gate.Release(); }
        }));
        int ok = 0, failed = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            bool success = ours(inputs[i], out var got);
            var evm = results[i];
            Assert.True(evm.Success == success,
                $"case {i} input {Hex(inputs[i])}: anvil success={evm.Success} ({evm.Error}), ours={success}");
            if (success)
            {
                Assert.Equal(Hex(evm.ReturnData), Hex(got));
                ok++;
            }
            else failed++;
        }
        output.WriteLine($"{address}: {inputs.Count} cases identical ({ok} succeeded, {failed} failed on both)");
        Assert.True(ok >= 30 && failed >= 20, $"case mix too narrow: {ok} valid, {failed} invalid");
    }

    /// <summary>
    /// One eth_call, repeated (at most three attempts) only when the transport failed: a timed-out or dropped HTTP
    /// request says nothing about the precompile. Every answer the node gives, success or EVM failure, is compared.
    /// </summary>
    private async Task<ZkMl.Evm.Chain.EthCallResult> CallWithRetryAsync(string address, byte[] input)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await anvil.CallAsync(address, input); }
            catch (Exception e) when (attempt < 3 && e is RpcClientTimeoutException or RpcClientUnknownException or HttpRequestException or TaskCanceledException)
            {
                output.WriteLine($"{address}: call attempt {attempt} failed in transport ({e.GetType().Name}: {e.Message}); retrying");
                await Task.Delay(500 * attempt);
            }
        }
    }

    [Fact]
    public async Task EcAddMatchesAnvil()
    {
        var rng = new Random(601);
        var cases = new List<byte[]>();
        for (int i = 0; i < 140; i++)
        {
            var a = RandomG1(rng);
            var b = rng.Next(6) switch { 0 => a, 1 => a.Negate(), _ => RandomG1(rng) };
            byte[] ea = EvmEncoding.EncodeG1(a), eb = EvmEncoding.EncodeG1(b);
            byte[] input = (i % 7) switch
            {
                0 => [.. BadG1(rng), .. eb],
                1 => [.. ea, .. BadG1(rng)],
                2 => Concat(ea, eb)[..rng.Next(0, 128)],
                3 => [.. ea, .. eb, .. RandomBytes(rng, rng.Next(1, 80))],
                _ => [.. ea, .. eb],
            };
            cases.Add(input);
        }
        await CompareAsync(Precompiles.EcAddAddress, Precompiles.TryEcAdd, cases);
    }

    [Fact]
    public async Task EcMulMatchesAnvil()
    {
        var rng = new Random(602);
        var cases = new List<byte[]>();
        BigInteger[] special = [0, 1, 2, R - 1, R, R + 1, (BigInteger.One << 256) - 1, P];
        for (int i = 0; i < 130; i++)
        {
            var a = RandomG1(rng);
            var k = i < special.Length ? special[i] : rng.Next(3) == 0 ? new BigInteger(rng.NextInt64()) : Random256(rng);
            byte[] ea = EvmEncoding.EncodeG1(a), ek = Be32(k);
            byte[] input = (i % 6) switch
            {
                0 when i >= special.Length => [.. BadG1(rng), .. ek],
                1 when i >= special.Length => Concat(ea, ek)[..rng.Next(0, 96)],
                2 when i >= special.Length => [.. ea, .. ek, .. RandomBytes(rng, rng.Next(1, 64))],
                3 when i >= special.Length => BadG1(rng)[..rng.Next(40, 64)],
                _ => [.. ea, .. ek],
            };
            cases.Add(input);
        }
        await CompareAsync(Precompiles.EcMulAddress, Precompiles.TryEcMul, cases);
    }

    [Fact]
    public async Task EcPairingMatchesAnvil()
    {
        var rng = new Random(603);
        var cases = new List<byte[]> { Array.Empty<byte>() };
        for (int i = 0; i < 110; i++)
        {
            int n = rng.Next(1, 4);
            var input = new List<byte>();
            // a balanced product e(a·G1, b·G2)·e(−ab·G1, G2)·… = 1, or a random one
            bool balanced = rng.Next(2) == 0;
            var acc = Fr.Zero;
            for (int j = 0; j < n; j++)
            {
                var a = Fr.Random(rng); var b = Fr.Random(rng);
                if (rng.Next(8) == 0) a = Fr.Zero;
                acc += a * b;
                input.AddRange(EvmEncoding.EncodeG1(a * G1Affine.Generator));
                input.AddRange(EvmEncoding.EncodeG2(b * G2Affine.Generator));
            }
            if (balanced)
            {
                input.AddRange(EvmEncoding.EncodeG1((-acc) * G1Affine.Generator));
                input.AddRange(EvmEncoding.EncodeG2(G2Affine.Generator));
            }
            byte[] bytes = [.. input];
            int pair = rng.Next(bytes.Length / 192);
            switch (i % 7)
            {
                case 0: BadG1(rng).CopyTo(bytes, 192 * pair); break;
                case 1: BadG2(rng).CopyTo(bytes, 192 * pair + 64); break;
                case 2:
                    // G2 on the twist but outside the subgroup, paired with infinity or a real point
                    EvmEncoding.EncodeG2(PairingTests.RandomTwistPoint(rng)).CopyTo(bytes, 192 * pair + 64);
                    if (rng.Next(2) == 0) Array.Clear(bytes, 192 * pair, 64);
                    break;
                case 3: bytes = rng.Next(2) == 0 ? bytes[..(bytes.Length - rng.Next(1, 192))] : [.. bytes, .. RandomBytes(rng, rng.Next(1, 192))]; break;
            }
            cases.Add(bytes);
        }
        await CompareAsync(Precompiles.EcPairingAddress, Precompiles.TryEcPairing, cases);
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
