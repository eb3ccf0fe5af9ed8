using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ZkMl.Algebra;

namespace ZkMl.TestKit;

/// <summary>
/// Where the tests expect the machine-code field product, worked out independently of ZkMl.Algebra's own test: Linux x64 with
/// BMI2 and ADX (CPUID leaf 7, EBX bit 19), <c>ZKML_NATIVE_FIELD</c> not "0", and the system gave an executable page (a kernel
/// policy against such pages is the system's choice, not a bug).
/// </summary>
public static class MachineCodeProduct
{
    public static bool Expected =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Bmi2.X64.IsSupported
        && (X86Base.CpuId(7, 0).Ebx & (1 << 19)) != 0 && Environment.GetEnvironmentVariable("ZKML_NATIVE_FIELD") != "0"
        && !FieldProduct.RefusedBySystem;
}
