using ClustSeg.Runtime.Kernels;
using ClustSeg.Shaders;

namespace ClustSeg.Tests.Runtime;

public sealed class SpirvReflectionTests
{
    [Theory]
    [InlineData("dice_loss", new[] { 2, 3 })]               // mask stats read-write (both stages), loss write-only
    [InlineData("superpixel_em_step", new[] { 2, 3 })]      // features and centres readonly
    [InlineData("ssn_reconstruct_backward", new[] { 6, 7, 8 })]
    [InlineData("superpixel_labels", new[] { 1 })]
    [InlineData("matmul_blocked_vec4", new[] { 3 })]         // A and B are texel buffers, bias readonly
    public void FindsTheBindingsTheShaderMayWrite(string shader, int[] expected)
    {
        Assert.Equal(expected, SpirvReflection.WritableBindings(ShaderLibrary.Load(shader)).Order());
    }

    [Theory]
    [InlineData("matmul_blocked_vec4", new[] { 0, 1 })]
    [InlineData("matmul_tiled", new int[0])]
    public void FindsTheTexelBufferBindings(string shader, int[] expected)
    {
        Assert.Equal(expected, SpirvReflection.Reflect(ShaderLibrary.Load(shader)).TexelBuffers.Order());
    }

    [Fact]
    public void EveryEmbeddedShaderReflects()
    {
        foreach (var name in ShaderLibrary.Names)
            Assert.NotNull(SpirvReflection.Reflect(ShaderLibrary.Load(name)));
    }

    [Fact]
    public void RefusesBytesThatAreNotSpirv()
    {
        var error = Assert.Throws<ArgumentException>(() => SpirvReflection.WritableBindings(new byte[40]));
        Assert.Contains("SPIR-V", error.Message);
    }
}
