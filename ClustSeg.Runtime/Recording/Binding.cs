using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Recording;

/// <summary>How a dispatch uses a bound tensor; the recorder derives barriers from it.</summary>
public enum Access
{
    /// <summary>The kernel only reads.</summary>
    Read,
    /// <summary>The kernel only writes.</summary>
    Write,
    /// <summary>The kernel reads and writes (accumulation).</summary>
    ReadWrite,
}

/// <summary>A tensor bound to the next buffer slot of a dispatch (a storage or a uniform texel buffer, as the shader declares), with its access.</summary>
/// <param name="Tensor">The tensor.</param>
/// <param name="Access">How the kernel uses it.</param>
public readonly record struct Binding(Tensor Tensor, Access Access)
{
    /// <summary>Read-only use.</summary>
    public static Binding Read(Tensor tensor) => new(tensor, Access.Read);

    /// <summary>Write-only use.</summary>
    public static Binding Write(Tensor tensor) => new(tensor, Access.Write);

    /// <summary>Read-and-write use.</summary>
    public static Binding ReadWrite(Tensor tensor) => new(tensor, Access.ReadWrite);
}
