using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Channel.Persistence.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    RandomId = table.Column<long>(type: "INTEGER", nullable: false),
                    Origin = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    PeerKind = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    PeerValue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ChatKind = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: true),
                    ChatId = table.Column<long>(type: "INTEGER", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Entities = table.Column<string>(type: "TEXT", nullable: true),
                    TextHash = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    ReplyToMessageId = table.Column<int>(type: "INTEGER", nullable: true),
                    TelegramMessageId = table.Column<int>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Retryable = table.Column<bool>(type: "INTEGER", nullable: false),
                    CommandId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
