using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Tests.Models;

public class ModelInputTests
{
    [Theory]
    [InlineData(1, 32)]
    [InlineData(32, 32)]
    [InlineData(33, 64)]
    [InlineData(500, 512)]
    public void SidesArePaddedToMultiplesOf32(int size, int padded) => Assert.Equal(padded, ModelInput.PaddedSize(size));

    [Fact]
    public void PicturesAreNormalisedAndPaddedWithZeroAtTheBottomAndRight()
    {
        // 2 x 1 picture: (255, 0, 128) then (0, 255, 64); a 1 x 40 picture widens the batch to 64.
        var first = new RgbImage(2, 1, [255, 0, 128, 0, 255, 64]);
        var second = new RgbImage(40, 1, new byte[40 * 3]);

        var (data, height, width) = ModelInput.Batch([first, second]);

        Assert.Equal((32, 64), (height, width));
        Assert.Equal(2 * 3 * 32 * 64, data.Length);
        var plane = 32 * 64;
        Assert.Equal((1 - 0.485f) / 0.229f, data[0], 5);                        // R of pixel (0, 0)
        Assert.Equal((0 - 0.456f) / 0.224f, data[plane], 5);                    // G of pixel (0, 0)
        Assert.Equal((128 / 255f - 0.406f) / 0.225f, data[2 * plane], 5);      // B of pixel (0, 0)
        Assert.Equal((1 - 0.456f) / 0.224f, data[plane + 1], 5);                // G of pixel (0, 1)
        Assert.Equal(0f, data[2]);                                              // padding to the right
        Assert.Equal(0f, data[width]);                                          // padding below
        Assert.Equal(-0.485f / 0.229f, data[3 * plane + 39], 5);                // the second picture's last column
        Assert.Equal(0f, data[3 * plane + 40]);
    }
}
