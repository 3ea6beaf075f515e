using ClustSeg.Runtime.Training.Matching;

namespace ClustSeg.Tests.Training;

public sealed class LinearAssignmentTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    [InlineData(2, 6)]
    [InlineData(4, 7)]
    [InlineData(7, 3)]
    [InlineData(6, 1)]
    [InlineData(1, 6)]
    public void FindsTheBruteForceOptimumOnRandomMatrices(int rows, int columns)
    {
        var random = new Random(rows * 31 + columns);
        for (var trial = 0; trial < 40; trial++)
        {
            // Every third trial draws from a few integers so that many assignments tie.
            var ties = trial % 3 == 0;
            var cost = new float[rows * columns];
            for (var i = 0; i < cost.Length; i++) cost[i] = ties ? random.Next(3) : (float)(random.NextDouble() * 10 - 3);
            var assignment = LinearAssignment.Solve(cost, rows, columns);
            AssertValid(assignment, rows, columns);
            Assert.Equal(BruteForce(cost, rows, columns), Total(cost, columns, assignment), 9);
        }
    }

    [Fact]
    public void HonoursTheRowStrideAndAHandComputedCase()
    {
        // 2 x 3 inside rows of 4 values (last one is padding that must be ignored: it is the cheapest).
        float[] cost =
        [
            4, 1, 3, -100,
            2, 0, 5, -100,
        ];
        // Options: (0->1, 1->0) = 3; (0->2, 1->1) = 3... both 3; (0->0,1->1) = 4; the optimum is 3.
        var assignment = LinearAssignment.Solve(cost, 2, 3, 4);
        AssertValid(assignment, 2, 3);
        Assert.Equal(3.0, cost[assignment[0]] + cost[4 + assignment[1]], 9);
    }

    [Fact]
    public void EmptyMatricesAssignNothing()
    {
        Assert.Equal([-1, -1], LinearAssignment.Solve([], 2, 0));
        Assert.Empty(LinearAssignment.Solve([], 0, 3));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void RefusesNonFiniteCostsNamingThePlace(float bad)
    {
        var cost = new float[] { 1, 2, 3, 4, 5, bad };
        var error = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(cost, 2, 3));
        Assert.Contains("row 1, column 2", error.Message);
        Assert.Contains("finite", error.Message);
    }

    [Fact]
    public void RefusesSizesThatDoNotFit()
    {
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new float[6], 2, 3, 2));
    }

    private static void AssertValid(int[] assignment, int rows, int columns)
    {
        Assert.Equal(rows, assignment.Length);
        var assigned = assignment.Where(c => c >= 0).ToList();
        Assert.Equal(Math.Min(rows, columns), assigned.Count);
        Assert.Equal(assigned.Count, assigned.Distinct().Count());
        Assert.All(assigned, c => Assert.InRange(c, 0, columns - 1));
    }

    private static double Total(float[] cost, int columns, int[] assignment) =>
        assignment.Select((c, r) => c < 0 ? 0.0 : cost[r * columns + c]).Sum();

    /// <summary>Tries every injective map from the smaller side into the larger one.</summary>
    private static double BruteForce(float[] cost, int rows, int columns)
    {
        var transposed = rows > columns;
        var (n, m) = transposed ? (columns, rows) : (rows, columns);
        double At(int i, int j) => transposed ? cost[j * columns + i] : cost[i * columns + j];
        var used = new bool[m];
        double Best(int i)
        {
            if (i == n) return 0;
            var best = double.PositiveInfinity;
            for (var j = 0; j < m; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                best = Math.Min(best, At(i, j) + Best(i + 1));
                used[j] = false;
            }
            return best;
        }
        return Best(0);
    }
}
