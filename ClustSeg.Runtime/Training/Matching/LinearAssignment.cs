namespace ClustSeg.Runtime.Training.Matching;

/// <summary>
/// Exact minimum-cost assignment of a rectangular cost matrix (the Hungarian matching of clustseg.md "Losses"): the
/// shortest augmenting path method with row and column potentials (Jonker-Volgenant style), O(r^2 c) for r &lt;= c.
/// Every row is assigned when there are no more rows than columns, else every column.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// Solves the assignment of a row-major <paramref name="rows"/> x <paramref name="columns"/> matrix whose rows are
    /// <paramref name="rowStride"/> values apart (the first <paramref name="columns"/> of each row are used).
    /// Returns for each row its column, or -1 when the row stays unassigned (more rows than columns).
    /// </summary>
    /// <exception cref="ArgumentException">A cost is NaN or infinite, or the sizes do not fit <paramref name="cost"/>.</exception>
    public static int[] Solve(ReadOnlySpan<float> cost, int rows, int columns, int rowStride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (rowStride < columns) throw new ArgumentException($"The row stride {rowStride} is smaller than the {columns} columns.", nameof(rowStride));
        if (rows > 0 && columns > 0 && (long)(rows - 1) * rowStride + columns > cost.Length)
        {
            throw new ArgumentException($"A {rows} x {columns} matrix with row stride {rowStride} needs more than the {cost.Length} values given.", nameof(cost));
        }
        var result = new int[rows];
        Array.Fill(result, -1);
        if (rows == 0 || columns == 0) return result;
        var transposed = rows > columns;
        var (n, m) = transposed ? (columns, rows) : (rows, columns);
        var a = new double[n, m];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var value = cost[r * rowStride + c];
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException(
                        $"The matching cost at row {r}, column {c} is {value}; an assignment needs finite costs. A NaN or infinite cost " +
                        "usually means the model's outputs diverged: lower the learning rate or resume from an earlier checkpoint.", nameof(cost));
                }
                if (transposed) a[c, r] = value;
                else a[r, c] = value;
            }
        }
        var assigned = SolveWide(a, n, m);
        for (var i = 0; i < n; i++)
        {
            if (transposed) result[assigned[i]] = i;
            else result[i] = assigned[i];
        }
        return result;
    }

    /// <summary>Solves a dense row-major matrix (row stride = <paramref name="columns"/>).</summary>
    /// <exception cref="ArgumentException">A cost is NaN or infinite, or the sizes do not fit <paramref name="cost"/>.</exception>
    public static int[] Solve(ReadOnlySpan<float> cost, int rows, int columns) => Solve(cost, rows, columns, columns);

    /// <summary>n &lt;= m: assigns every row; returns each row's column.</summary>
    private static int[] SolveWide(double[,] a, int n, int m)
    {
        // 1-based rows and columns; column 0 is the virtual start of each augmenting path.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var previous = new int[m + 1];
        var minSlack = new double[m + 1];
        var used = new bool[m + 1];
        for (var row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            var column = 0;
            Array.Fill(minSlack, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[column] = true;
                var i0 = rowOfColumn[column];
                var delta = double.PositiveInfinity;
                var next = 0;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    var slack = a[i0 - 1, j - 1] - u[i0] - v[j];
                    if (slack < minSlack[j])
                    {
                        minSlack[j] = slack;
                        previous[j] = column;
                    }
                    if (minSlack[j] < delta)
                    {
                        delta = minSlack[j];
                        next = j;
                    }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minSlack[j] -= delta;
                    }
                }
                column = next;
            }
            while (rowOfColumn[column] != 0);
            do
            {
                var from = previous[column];
                rowOfColumn[column] = rowOfColumn[from];
                column = from;
            }
            while (column != 0);
        }
        var assigned = new int[n];
        for (var j = 1; j <= m; j++)
        {
            if (rowOfColumn[j] != 0) assigned[rowOfColumn[j] - 1] = j - 1;
        }
        return assigned;
    }
}
