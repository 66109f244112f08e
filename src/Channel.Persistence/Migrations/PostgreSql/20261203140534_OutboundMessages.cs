using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Channel.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OutboundMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OutboundMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RandomId = table.Column<long>(type: "bigint", nullable: false),
                    Origin = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    PeerKind = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    PeerValue = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ChatKind = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: true),
                    ChatId = table.Column<long>(type: "bigint", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Entities = table.Column<string>(type: "text", nullable: true),
                    TextHash = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    ReplyToMessageId = table.Column<int>(type: "integer", nullable: true),
                    TelegramMessageId = table.Column<int>(type: "integer", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FailureReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Retryable = table.Column<bool>(type: "boolean", nullable: false),
                    CommandId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboundMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutboundMessages_TelegramAccounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "TelegramAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_AccountId_ChatId_TelegramMessageId",
                table: "OutboundMessages",
                columns: new[] { "AccountId", "ChatId", "TelegramMessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_AccountId_IdempotencyKey",
                table: "OutboundMessages",
                columns: new[] { "AccountId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_AccountId_State_Id",
                table: "OutboundMessages",
                columns: new[] { "AccountId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_CreatedAt",
                table: "OutboundMessages",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OutboundMessages");
        }
    }
}
