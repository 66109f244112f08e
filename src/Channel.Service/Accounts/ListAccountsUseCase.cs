using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Accounts;

public sealed record ListAccountsQuery(long HelpdeskAccountId, IReadOnlyCollection<AccountStatus> Statuses, int PageSize, string? PageToken);

public sealed record AccountPage(IReadOnlyList<TelegramAccount> Accounts, string? NextPageToken);

/// <summary>A tenant's accounts, oldest first, by keyset paging on (created, id).</summary>
internal sealed class ListAccountsUseCase(ChannelDbContext db, ITenantGuard tenants)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public async Task<AccountPage> ExecuteAsync(ListAccountsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var violations = new List<FieldViolation>();
        if (!HelpdeskAccountId.IsValid(query.HelpdeskAccountId))
        {
            violations.Add(new("helpdesk_account_id", "must be a positive integer."));
        }

        if (query.PageSize < 0)
        {
            violations.Add(new("page_size", "must not be negative."));
        }

        if (query.Statuses.Any(s => !Enum.IsDefined(s)))
        {
            violations.Add(new("statuses", "contains an unknown or unspecified status."));
        }

        var statusMask = AccountPageToken.MaskOf(query.Statuses);
        AccountPageToken? after = null;
        if (!string.IsNullOrEmpty(query.PageToken))
        {
            if (!AccountPageToken.TryDecode(query.PageToken, out var token))
            {
                violations.Add(new("page_token", "is not a token returned by ListAccounts."));
            }
            else if (token.HelpdeskAccountId != query.HelpdeskAccountId || token.StatusMask != statusMask)
            {
                violations.Add(new("page_token", "belongs to a different helpdesk_account_id or statuses filter."));
            }
            else
            {
                after = token;
            }
        }

        RequestValidationException.ThrowIfAny(violations);

        var pageSize = query.PageSize == 0 ? DefaultPageSize : Math.Min(query.PageSize, MaxPageSize);
        var tenant = new HelpdeskAccountId(query.HelpdeskAccountId);
        tenants.EnsureCanActFor(tenant);
        var accounts = db.Accounts.AsNoTracking().Where(a => a.HelpdeskAccountId == tenant);
        if (query.Statuses.Count > 0)
        {
            var statuses = query.Statuses.Distinct().ToList();
            accounts = accounts.Where(a => statuses.Contains(a.Status));
        }

        if (after is { } cursor)
        {
            accounts = accounts.Where(a => a.CreatedAt > cursor.CreatedAt || (a.CreatedAt == cursor.CreatedAt && a.Id.CompareTo(cursor.LastId) > 0));
        }

        // One extra row tells whether another page exists.
        var page = await accounts.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        if (page.Count <= pageSize)
        {
            return new AccountPage(page, null);
        }

        page.RemoveAt(pageSize);
        var last = page[^1];
        return new AccountPage(page, new AccountPageToken(tenant.Value, statusMask, last.CreatedAt, last.Id).Encode());
    }
}
