namespace ClustSeg.Tests;

public class SolutionSmokeTests
{
    [Fact]
    public void ShaderLibraryEmbedsCompiledKernels()
    {
        Assert.Contains("fill", ClustSeg.Shaders.ShaderLibrary.Names);
        var spirv = ClustSeg.Shaders.ShaderLibrary.Load("fill");
        Assert.Equal(0x07230203u, BitConverter.ToUInt32(spirv, 0)); // SPIR-V magic number
    }
}
