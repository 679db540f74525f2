export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      case_type_mappings: {
        Row: {
          case_type: string
          created_at: string
          firm_id: string
          id: string
          matter_type_id: string | null
          matter_type_name: string | null
          updated_at: string
        }
        Insert: {
          case_type: string
          created_at?: string
          firm_id: string
          id?: string
          matter_type_id?: string | null
          matter_type_name?: string | null
          updated_at?: string
        }
        Update: {
          case_type?: string
          created_at?: string
          firm_id?: string
          id?: string
          matter_type_id?: string | null
          matter_type_name?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "case_type_mappings_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      clients: {
        Row: {
          created_at: string
          email: string | null
          firm_id: string
          first_name: string
          id: string
          last_name: string
          phone: string | null
          smokeball_contact_id: string | null
          smokeball_create_started_at: string | null
          smokeball_deleted_at: string | null
          smokeball_synced_at: string | null
          smokeball_version: number | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          email?: string | null
          firm_id: string
          first_name: string
          id?: string
          last_name: string
          phone?: string | null
          smokeball_contact_id?: string | null
          smokeball_create_started_at?: string | null
          smokeball_deleted_at?: string | null
          smokeball_synced_at?: string | null
          smokeball_version?: number | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          email?: string | null
          firm_id?: string
          first_name?: string
          id?: string
          last_name?: string
          phone?: string | null
          smokeball_contact_id?: string | null
          smokeball_create_started_at?: string | null
          smokeball_deleted_at?: string | null
          smokeball_synced_at?: string | null
          smokeball_version?: number | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "clients_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      documents: {
        Row: {
          approved_at: string | null
          content_type: string
          created_at: string
          file_name: string
          firm_id: string
          id: string
          matter_id: string
          sha256: string | null
          size_bytes: number
          smokeball_create_started_at: string | null
          smokeball_file_id: string | null
          smokeball_synced_at: string | null
          status: string
          storage_bucket: string
          storage_path: string
          updated_at: string
        }
        Insert: {
          approved_at?: string | null
          content_type?: string
          created_at?: string
          file_name: string
          firm_id: string
          id?: string
          matter_id: string
          sha256?: string | null
          size_bytes: number
          smokeball_create_started_at?: string | null
          smokeball_file_id?: string | null
          smokeball_synced_at?: string | null
          status?: string
          storage_bucket?: string
          storage_path: string
          updated_at?: string
        }
        Update: {
          approved_at?: string | null
          content_type?: string
          created_at?: string
          file_name?: string
          firm_id?: string
          id?: string
          matter_id?: string
          sha256?: string | null
          size_bytes?: number
          smokeball_create_started_at?: string | null
          smokeball_file_id?: string | null
          smokeball_synced_at?: string | null
          status?: string
          storage_bucket?: string
          storage_path?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "documents_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "documents_matter_same_firm_fkey"
            columns: ["firm_id", "matter_id"]
            isOneToOne: false
            referencedRelation: "matters"
            referencedColumns: ["firm_id", "id"]
          },
        ]
      }
      firm_members: {
        Row: {
          created_at: string
          firm_id: string
          role: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          firm_id: string
          role?: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          firm_id?: string
          role?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "firm_members_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      firms: {
        Row: {
          created_at: string
          id: string
          jurisdiction: string
          name: string
          smokeball_jurisdiction: string | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          id?: string
          jurisdiction: string
          name: string
          smokeball_jurisdiction?: string | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          id?: string
          jurisdiction?: string
          name?: string
          smokeball_jurisdiction?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      matters: {
        Row: {
          case_number: string | null
          case_type: string | null
          client_id: string
          created_at: string
          description: string | null
          firm_id: string
          id: string
          smokeball_create_started_at: string | null
          smokeball_deleted_at: string | null
          smokeball_matter_id: string | null
          smokeball_synced_at: string | null
          smokeball_version: number | null
          status: string
          title: string
          updated_at: string
        }
        Insert: {
          case_number?: string | null
          case_type?: string | null
          client_id: string
          created_at?: string
          description?: string | null
          firm_id: string
          id?: string
          smokeball_create_started_at?: string | null
          smokeball_deleted_at?: string | null
          smokeball_matter_id?: string | null
          smokeball_synced_at?: string | null
          smokeball_version?: number | null
          status?: string
          title: string
          updated_at?: string
        }
        Update: {
          case_number?: string | null
          case_type?: string | null
          client_id?: string
          created_at?: string
          description?: string | null
          firm_id?: string
          id?: string
          smokeball_create_started_at?: string | null
          smokeball_deleted_at?: string | null
          smokeball_matter_id?: string | null
          smokeball_synced_at?: string | null
          smokeball_version?: number | null
          status?: string
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "matters_client_same_firm_fkey"
            columns: ["firm_id", "client_id"]
            isOneToOne: false
            referencedRelation: "clients"
            referencedColumns: ["firm_id", "id"]
          },
          {
            foreignKeyName: "matters_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      smokeball_connections: {
        Row: {
          access_token_expires_at: string | null
          account_id: string | null
          apply_from_smokeball: boolean
          auto_sync: boolean
          connected_at: string
          connected_by: string | null
          created_at: string
          disconnected_at: string | null
          firm_id: string
          last_error_code: string | null
          last_error_message: string | null
          last_refreshed_at: string | null
          push_to_smokeball: boolean
          refresh_token_expires_at: string | null
          region: string
          status: string
          updated_at: string
        }
        Insert: {
          access_token_expires_at?: string | null
          account_id?: string | null
          apply_from_smokeball?: boolean
          auto_sync?: boolean
          connected_at?: string
          connected_by?: string | null
          created_at?: string
          disconnected_at?: string | null
          firm_id: string
          last_error_code?: string | null
          last_error_message?: string | null
          last_refreshed_at?: string | null
          push_to_smokeball?: boolean
          refresh_token_expires_at?: string | null
          region: string
          status?: string
          updated_at?: string
        }
        Update: {
          access_token_expires_at?: string | null
          account_id?: string | null
          apply_from_smokeball?: boolean
          auto_sync?: boolean
          connected_at?: string
          connected_by?: string | null
          created_at?: string
          disconnected_at?: string | null
          firm_id?: string
          last_error_code?: string | null
          last_error_message?: string | null
          last_refreshed_at?: string | null
          push_to_smokeball?: boolean
          refresh_token_expires_at?: string | null
          region?: string
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "smokeball_connections_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: true
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      smokeball_imports: {
        Row: {
          batch_id: string
          case_type: string | null
          created_at: string
          firm_id: string
          id: string
          matter_id: string | null
          note: string | null
          requested_by: string | null
          smokeball_matter_id: string
          status: string
          updated_at: string
        }
        Insert: {
          batch_id: string
          case_type?: string | null
          created_at?: string
          firm_id: string
          id?: string
          matter_id?: string | null
          note?: string | null
          requested_by?: string | null
          smokeball_matter_id: string
          status?: string
          updated_at?: string
        }
        Update: {
          batch_id?: string
          case_type?: string | null
          created_at?: string
          firm_id?: string
          id?: string
          matter_id?: string | null
          note?: string | null
          requested_by?: string | null
          smokeball_matter_id?: string
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "smokeball_imports_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "smokeball_imports_matter_same_firm_fkey"
            columns: ["firm_id", "matter_id"]
            isOneToOne: false
            referencedRelation: "matters"
            referencedColumns: ["firm_id", "id"]
          },
        ]
      }
      smokeball_link_history: {
        Row: {
          account_id: string | null
          firm_id: string
          id: string
          kind: string
          record_id: string
          replaced_by_account_id: string | null
          smokeball_id: string
          unlinked_at: string
        }
        Insert: {
          account_id?: string | null
          firm_id: string
          id?: string
          kind: string
          record_id: string
          replaced_by_account_id?: string | null
          smokeball_id: string
          unlinked_at?: string
        }
        Update: {
          account_id?: string | null
          firm_id?: string
          id?: string
          kind?: string
          record_id?: string
          replaced_by_account_id?: string | null
          smokeball_id?: string
          unlinked_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "smokeball_link_history_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      smokeball_reconcile_state: {
        Row: {
          files_checked_through: string | null
          firm_id: string
          last_finished_at: string | null
          last_run_id: string | null
          updated_at: string
        }
        Insert: {
          files_checked_through?: string | null
          firm_id: string
          last_finished_at?: string | null
          last_run_id?: string | null
          updated_at?: string
        }
        Update: {
          files_checked_through?: string | null
          firm_id?: string
          last_finished_at?: string | null
          last_run_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "smokeball_reconcile_state_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: true
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      smokeball_sync_conflicts: {
        Row: {
          casehug_changed_at: string
          casehug_value: string | null
          detected_at: string
          field: string
          firm_id: string
          id: string
          record_id: string
          record_kind: string
          smokeball_changed_at: string
          smokeball_id: string
          smokeball_value: string | null
          smokeball_version: string
          winner: string
        }
        Insert: {
          casehug_changed_at: string
          casehug_value?: string | null
          detected_at?: string
          field: string
          firm_id: string
          id?: string
          record_id: string
          record_kind: string
          smokeball_changed_at: string
          smokeball_id: string
          smokeball_value?: string | null
          smokeball_version: string
          winner: string
        }
        Update: {
          casehug_changed_at?: string
          casehug_value?: string | null
          detected_at?: string
          field?: string
          firm_id?: string
          id?: string
          record_id?: string
          record_kind?: string
          smokeball_changed_at?: string
          smokeball_id?: string
          smokeball_value?: string | null
          smokeball_version?: string
          winner?: string
        }
        Relationships: [
          {
            foreignKeyName: "smokeball_sync_conflicts_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      sync_jobs: {
        Row: {
          attempts: number
          batch_id: string | null
          created_at: string
          firm_id: string
          id: string
          kind: string
          last_error_code: string | null
          last_error_message: string | null
          locked_by: string | null
          locked_until: string | null
          max_attempts: number
          requested_by: string | null
          run_after: string
          status: string
          subject_id: string
          trigger: string
          updated_at: string
        }
        Insert: {
          attempts?: number
          batch_id?: string | null
          created_at?: string
          firm_id: string
          id?: string
          kind: string
          last_error_code?: string | null
          last_error_message?: string | null
          locked_by?: string | null
          locked_until?: string | null
          max_attempts?: number
          requested_by?: string | null
          run_after?: string
          status?: string
          subject_id: string
          trigger: string
          updated_at?: string
        }
        Update: {
          attempts?: number
          batch_id?: string | null
          created_at?: string
          firm_id?: string
          id?: string
          kind?: string
          last_error_code?: string | null
          last_error_message?: string | null
          locked_by?: string | null
          locked_until?: string | null
          max_attempts?: number
          requested_by?: string | null
          run_after?: string
          status?: string
          subject_id?: string
          trigger?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "sync_jobs_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
      sync_runs: {
        Row: {
          api_calls: number
          counts: NonNullable<Json>
          duration_ms: number | null
          error_code: string | null
          error_message: string | null
          finished_at: string | null
          firm_id: string
          help: string | null
          id: string
          job_id: string | null
          matter_id: string | null
          request_ids: string[]
          started_at: string
          status: string
          steps: NonNullable<Json>
          trigger: string
          updated_at: string
        }
        Insert: {
          api_calls?: number
          counts?: NonNullable<Json>
          duration_ms?: number | null
          error_code?: string | null
          error_message?: string | null
          finished_at?: string | null
          firm_id: string
          help?: string | null
          id?: string
          job_id?: string | null
          matter_id?: string | null
          request_ids?: string[]
          started_at?: string
          status?: string
          steps?: NonNullable<Json>
          trigger: string
          updated_at?: string
        }
        Update: {
          api_calls?: number
          counts?: NonNullable<Json>
          duration_ms?: number | null
          error_code?: string | null
          error_message?: string | null
          finished_at?: string | null
          firm_id?: string
          help?: string | null
          id?: string
          job_id?: string | null
          matter_id?: string | null
          request_ids?: string[]
          started_at?: string
          status?: string
          steps?: NonNullable<Json>
          trigger?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "sync_runs_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sync_runs_job_same_firm_fkey"
            columns: ["firm_id", "job_id"]
            isOneToOne: false
            referencedRelation: "sync_jobs"
            referencedColumns: ["firm_id", "id"]
          },
          {
            foreignKeyName: "sync_runs_matter_same_firm_fkey"
            columns: ["firm_id", "matter_id"]
            isOneToOne: false
            referencedRelation: "matters"
            referencedColumns: ["firm_id", "id"]
          },
        ]
      }
      webhook_events: {
        Row: {
          error_code: string | null
          error_message: string | null
          event_type: string
          fingerprint: string
          firm_id: string
          id: string
          payload: NonNullable<Json>
          processed_at: string | null
          received_at: string
          request_id: string | null
          resource_id: string | null
          smokeball_subscription_id: string | null
          status: string
          subscription_id: string | null
          timestamp_ticks: number | null
          updated_at: string
        }
        Insert: {
          error_code?: string | null
          error_message?: string | null
          event_type: string
          fingerprint: string
          firm_id: string
          id?: string
          payload?: NonNullable<Json>
          processed_at?: string | null
          received_at?: string
          request_id?: string | null
          resource_id?: string | null
          smokeball_subscription_id?: string | null
          status?: string
          subscription_id?: string | null
          timestamp_ticks?: number | null
          updated_at?: string
        }
        Update: {
          error_code?: string | null
          error_message?: string | null
          event_type?: string
          fingerprint?: string
          firm_id?: string
          id?: string
          payload?: NonNullable<Json>
          processed_at?: string | null
          received_at?: string
          request_id?: string | null
          resource_id?: string | null
          smokeball_subscription_id?: string | null
          status?: string
          subscription_id?: string | null
          timestamp_ticks?: number | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhook_events_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhook_events_subscription_same_firm_fkey"
            columns: ["firm_id", "subscription_id"]
            isOneToOne: false
            referencedRelation: "webhook_subscriptions"
            referencedColumns: ["firm_id", "id"]
          },
        ]
      }
      webhook_subscriptions: {
        Row: {
          created_at: string
          event_notification_url: string | null
          event_types: string[]
          firm_id: string
          id: string
          smokeball_subscription_id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          event_notification_url?: string | null
          event_types?: string[]
          firm_id: string
          id?: string
          smokeball_subscription_id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          event_notification_url?: string | null
          event_types?: string[]
          firm_id?: string
          id?: string
          smokeball_subscription_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhook_subscriptions_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      sync_batches: {
        Row: {
          batch_id: string | null
          created_at: string | null
          done: number | null
          failed: number | null
          firm_id: string | null
          remaining: number | null
          superseded: number | null
          total: number | null
          updated_at: string | null
        }
        Relationships: [
          {
            foreignKeyName: "sync_jobs_firm_id_fkey"
            columns: ["firm_id"]
            isOneToOne: false
            referencedRelation: "firms"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Functions: {
      dearmor: { Args: { "": string }; Returns: string }
      gen_random_uuid: { Args: Record<PropertyKey, never>; Returns: string }
      gen_salt: { Args: { "": string }; Returns: string }
      pgp_armor_headers: {
        Args: { "": string }
        Returns: Record<string, unknown>[]
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

