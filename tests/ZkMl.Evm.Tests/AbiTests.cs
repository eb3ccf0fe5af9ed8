using System.Numerics;
using System.Text;
using ZkMl.Evm.Abi;

namespace ZkMl.Evm.Tests;

public class AbiTests
{
    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    private static string Words(params string[] words) => string.Concat(words.Select(w => w.PadLeft(64, '0')));

    [Theory]
    [InlineData("transfer(address,uint256)", "a9059cbb")]
    [InlineData("baz(uint32,bool)", "cdcd77c0")]
    [InlineData("sam(bytes,bool,uint256[])", "a5643bf2")]
    [InlineData("f(uint256,uint32[],bytes10,bytes)", "8be65246")]
    [InlineData("g(uint256[][],string[])", "2289b18c")]
    public void SelectorsMatchTheSolidityDocs(string signature, string selector) =>
        Assert.Equal(selector, Hex(AbiEncoder.Selector(signature)));

    [Fact]
    public void SelectorRejectsNonCanonicalSignatures()
    {
        Assert.Throws<ArgumentException>(() => AbiEncoder.Selector("transfer(address, uint256)"));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Selector("transfer"));
    }

    [Fact]
    public void StaticExampleFromSolidityDocs()
    {
        // baz(69, true)
        var data = AbiEncoder.EncodeCall("baz", AbiValue.Uint(32, 69), AbiValue.Bool(true));
        Assert.Equal("cdcd77c0" + Words("45", "1"), Hex(data));
    }

    [Fact]
    public void DynamicExampleFromSolidityDocs()
    {
        // sam("dave", true, [1, 2, 3])
        var data = AbiEncoder.EncodeCall("sam", AbiValue.Bytes("dave"u8), AbiValue.Bool(true), AbiValue.Uint256Array([1, 2, 3]));
        Assert.Equal("a5643bf2" + Words("60", "1", "a0", "4") + "64617665".PadRight(64, '0') + Words("3", "1", "2", "3"), Hex(data));
    }

    [Fact]
    public void MixedExampleFromSolidityDocs()
    {
        // f(0x123, [0x456, 0x789], "1234567890", "Hello, world!")
        var data = AbiEncoder.EncodeCall("f",
            AbiValue.Uint256(0x123),
            AbiValue.Array(AbiType.Uint(32), [AbiValue.Uint(32, 0x456), AbiValue.Uint(32, 0x789)]),
            AbiValue.FixedBytes("1234567890"u8),
            AbiValue.Bytes("Hello, world!"u8));
        string expected = "8be65246" + Words("123", "80") + "31323334353637383930".PadRight(64, '0') + Words("e0", "2", "456", "789", "d")
            + Convert.ToHexStringLower("Hello, world!"u8).PadRight(64, '0');
        Assert.Equal(expected, Hex(data));
    }

    [Fact]
    public void NestedExampleFromSolidityDocs()
    {
        // g([[1, 2], [3]], ["one", "two", "three"])
        var nested = AbiValue.Array(AbiType.Parse("uint256[]"), [AbiValue.Uint256Array([1, 2]), AbiValue.Uint256Array([3])]);
        var strings = AbiValue.Array(AbiType.String, [AbiValue.String("one"), AbiValue.String("two"), AbiValue.String("three")]);
        var data = AbiEncoder.EncodeCall("g", nested, strings);
        string expected = "2289b18c" + Words("40", "140", "2", "40", "a0", "2", "1", "2", "1", "3", "3", "60", "a0", "e0",
            "3") + "6f6e65".PadRight(64, '0') + Words("3") + "74776f".PadRight(64, '0') + Words("5") + "7468726565".PadRight(64, '0');
        Assert.Equal(expected, Hex(data));
        var back = AbiDecoder.Decode(data.AsSpan(4), "uint256[][]", "string[]");
        Assert.Equal([1, 2], back[0].AsArray()[0].AsArray().Select(v => (int)v.AsInteger()));
        Assert.Equal("three", back[1].AsArray()[2].AsString());
    }

    [Fact]
    public void SignedIntegersAreTwosComplement()
    {
        Assert.Equal(new string('f', 64), Hex(AbiEncoder.EncodeArguments(AbiValue.Int256(-1))));
        Assert.Equal("8" + new string('0', 63), Hex(AbiEncoder.EncodeArguments(AbiValue.Int256(-(BigInteger.One << 255)))));
        Assert.Equal(new string('f', 62) + "80", Hex(AbiEncoder.EncodeArguments(AbiValue.Int(8, -128))));
        Assert.Equal(-(BigInteger.One << 255), AbiDecoder.DecodeInt256(AbiEncoder.EncodeArguments(AbiValue.Int256(-(BigInteger.One << 255)))));
    }

    [Fact]
    public void AddressAndBytes32AreAligned()
    {
        var a = AbiEncoder.EncodeArguments(AbiValue.Address("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), AbiValue.Bytes32(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(new string('0', 24) + "f39fd6e51aad88f6f4ce6ab8827279cfffb92266" + Convert.ToHexStringLower(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()), Hex(a));
        var back = AbiDecoder.Decode(a, "address", "bytes32");
        Assert.Equal("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", back[0].AsAddress());
        Assert.Equal(32, back[1].AsBytes().Length);
    }

    [Fact]
    public void RangeChecksOnConstruction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiValue.Uint256(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiValue.Uint256(BigInteger.One << 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiValue.Int256(BigInteger.One << 255));
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiValue.Uint(8, 256));
        Assert.Throws<ArgumentException>(() => AbiValue.Address("0x1234"));
        Assert.Throws<ArgumentException>(() => AbiValue.Bytes32(new byte[31]));
        Assert.Throws<ArgumentException>(() => AbiValue.Array(AbiType.Uint256, [AbiValue.Int256(1)]));
        AbiValue.Uint256((BigInteger.One << 256) - 1);
    }

    [Theory]
    [InlineData("uint", "uint256")]
    [InlineData("int", "int256")]
    [InlineData("bytes32[]", "bytes32[]")]
    [InlineData("int256[][]", "int256[][]")]
    public void ParsesTypeNames(string name, string canonical) => Assert.Equal(canonical, AbiType.Parse(name).Name);

    [Theory]
    [InlineData("uint7")]
    [InlineData("uint264")]
    [InlineData("uint08")]
    [InlineData("bytes33")]
    [InlineData("bytes0")]
    [InlineData("tuple")]
    [InlineData("uint256[2]")]
    public void RejectsUnsupportedTypeNames(string name) => Assert.Throws<FormatException>(() => AbiType.Parse(name));

    [Fact]
    public void RandomRoundTrips()
    {
        var rng = new Random(20261122);
        for (int iter = 0; iter < 200; iter++)
        {
            var proof = new byte[rng.Next(0, 100)];
            rng.NextBytes(proof);
            var ints = Enumerable.Range(0, rng.Next(0, 6)).Select(_ => RandomInt(rng, signed: true)).ToArray();
            var uints = Enumerable.Range(0, rng.Next(0, 6)).Select(_ => RandomInt(rng, signed: false)).ToArray();
            var u = RandomInt(rng, signed: false);
            bool flag = rng.Next(2) == 1;
            var data = AbiEncoder.EncodeArguments(AbiValue.Bytes(proof), AbiValue.Int256Array(ints), AbiValue.Uint256(u), AbiValue.Uint256Array(uints), AbiValue.Bool(flag));
            Assert.Equal(0, data.Length % 32);
            var back = AbiDecoder.Decode(data, "bytes", "int256[]", "uint256", "uint256[]", "bool");
            Assert.Equal(proof, back[0].AsBytes());
            Assert.Equal(ints, back[1].AsArray().Select(v => v.AsInteger()));
            Assert.Equal(u, back[2].AsInteger());
            Assert.Equal(uints, back[3].AsArray().Select(v => v.AsInteger()));
            Assert.Equal(flag, back[4].AsBool());
        }
    }

    [Fact]
    public void DecoderRejectsMalformedData()
    {
        var good = AbiEncoder.EncodeArguments(AbiValue.Bytes([1, 2, 3]));
        Assert.Equal([1, 2, 3], AbiDecoder.DecodeBytes(good));
        // truncated
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeBytes(good.AsSpan(0, 40)));
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeUint256(new byte[31]));
        // offset past the end
        var badOffset = (byte[])good.Clone();
        badOffset[31] = 0xff;
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeBytes(badOffset));
        // huge offset
        var hugeOffset = (byte[])good.Clone();
        hugeOffset[0] = 1;
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeBytes(hugeOffset));
        // length past the end
        var badLength = (byte[])good.Clone();
        badLength[63] = 33;
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeBytes(badLength));
        // array length the data cannot hold
        var arr = AbiEncoder.EncodeArguments(AbiValue.Uint256Array([5]));
        arr[63] = 200;
        Assert.Throws<FormatException>(() => AbiDecoder.Decode(arr, "uint256[]"));
        // bool other than 0/1
        var b = AbiEncoder.EncodeArguments(AbiValue.Bool(true));
        b[31] = 2;
        Assert.Throws<FormatException>(() => AbiDecoder.DecodeBool(b));
        // uint8 with high bits set, int8 not sign-extended, address with dirty upper bytes
        Assert.Throws<FormatException>(() => AbiDecoder.Decode(AbiEncoder.EncodeArguments(AbiValue.Uint256(256)), "uint8"));
        Assert.Throws<FormatException>(() => AbiDecoder.Decode(AbiEncoder.EncodeArguments(AbiValue.Uint256(128)), "int8"));
        Assert.Throws<FormatException>(() => AbiDecoder.Decode(AbiEncoder.EncodeArguments(AbiValue.Uint256(BigInteger.One << 200)), "address"));
        Assert.Equal(-128, AbiDecoder.Decode(AbiEncoder.EncodeArguments(AbiValue.Int256(-128)), "int8")[0].AsInteger());
    }

    [Fact]
    public void RevertReasons()
    {
        var error = AbiEncoder.EncodeCall("Error", AbiValue.String("not allowed"));
        Assert.Equal("08c379a0", Hex(error[..4]));
        Assert.Equal("not allowed", AbiDecoder.DecodeRevertReason(error));
        Assert.Equal("Panic(0x11)", AbiDecoder.DecodeRevertReason(AbiEncoder.EncodeCall("Panic", AbiValue.Uint256(0x11))));
        Assert.Null(AbiDecoder.DecodeRevertReason([]));
        Assert.Equal("custom error 0xdeadbeef", AbiDecoder.DecodeRevertReason([0xde, 0xad, 0xbe, 0xef]));
    }

    [Fact]
    public void StringsAreUtf8()
    {
        var data = AbiEncoder.EncodeArguments(AbiValue.String("zk€"));
        Assert.Equal(Encoding.UTF8.GetByteCount("zk€"), (int)AbiDecoder.DecodeUint256(data.AsSpan(32, 32)));
        Assert.Equal("zk€", AbiDecoder.Decode(data, "string")[0].AsString());
    }

    private static BigInteger RandomInt(Random rng, bool signed)
    {
        var bytes = new byte[32];
        rng.NextBytes(bytes);
        int keep = rng.Next(0, 33);
        for (int i = 0; i < 32 - keep; i++) bytes[i] = 0;
        var v = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        if (!signed) return v;
        v >>= 1;
        return rng.Next(2) == 0 ? v : -v - 1;
    }
}
