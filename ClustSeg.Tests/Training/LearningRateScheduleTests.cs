using ClustSeg.Runtime.Training;

namespace ClustSeg.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysToNearZero()
    {
        var schedule = new LearningRateSchedule(1e-3, WarmupSteps: 11, TotalSteps: 111, Power: 0.9);
        Assert.Equal(1e-3 * LearningRateSchedule.WarmupStartFactor, schedule.RateAt(1), 12);
        Assert.Equal(1e-3 * (0.001 + 0.999 * 0.5), schedule.RateAt(6), 12);
        Assert.Equal(1e-3, schedule.RateAt(11), 12);
        Assert.Equal(1e-3, schedule.RateAt(12), 12);                             // first decay step: full rate
        Assert.Equal(1e-3 * Math.Pow(0.5, 0.9), schedule.RateAt(62), 12);       // halfway through the 100 decay steps
        Assert.Equal(1e-3 * Math.Pow(0.01, 0.9), schedule.RateAt(111), 12);     // last step: small but not zero
        for (var s = 12; s < 111; s++) Assert.True(schedule.RateAt(s + 1) < schedule.RateAt(s));
    }

    [Theory]
    [InlineData(0.0, 0, 10)]
    [InlineData(1e-3, 11, 10)]
    [InlineData(1e-3, 0, 0)]
    public void BadSettingsAreRefused(double rate, int warmup, int total) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(rate, warmup, total).Validate());
}
