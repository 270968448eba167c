//! The Lead sObject as this simulated org defines it: standard and custom fields with their
//! types (which decide how SOQL literals are checked and values compared), the describe answer,
//! and the record generator.

use serde_json::{json, Value};

use crate::data::{self, base36, sf_id18, Person, Rec};

/// A field's SOQL type family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Id,
    Reference,
    String,
    TextArea,
    Picklist,
    Phone,
    Email,
    Url,
    Boolean,
    Double,
    Currency,
    Int,
    Date,
    DateTime,
}

impl FieldType {
    /// The describe `type` value.
    pub fn api_name(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::Reference => "reference",
            FieldType::String => "string",
            FieldType::TextArea => "textarea",
            FieldType::Picklist => "picklist",
            FieldType::Phone => "phone",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::Boolean => "boolean",
            FieldType::Double => "double",
            FieldType::Currency => "currency",
            FieldType::Int => "int",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
        }
    }

    /// Text-like types take quoted literals and compare case-insensitively.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::Id
                | FieldType::Reference
                | FieldType::String
                | FieldType::TextArea
                | FieldType::Picklist
                | FieldType::Phone
                | FieldType::Email
                | FieldType::Url
        )
    }

    pub fn is_number(self) -> bool {
        matches!(
            self,
            FieldType::Double | FieldType::Currency | FieldType::Int
        )
    }
}

/// One field of Lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub label: &'static str,
    pub ty: FieldType,
    pub custom: bool,
    pub filterable: bool,
}

const fn f(name: &'static str, label: &'static str, ty: FieldType) -> FieldDef {
    FieldDef {
        name,
        label,
        ty,
        custom: false,
        filterable: true,
    }
}

const fn c(name: &'static str, label: &'static str, ty: FieldType) -> FieldDef {
    FieldDef {
        name,
        label,
        ty,
        custom: true,
        filterable: true,
    }
}

use FieldType as T;

/// Every Lead field, in describe order.
pub const FIELDS: &[FieldDef] = &[
    f("Id", "Lead ID", T::Id),
    f("IsDeleted", "Deleted", T::Boolean),
    f("LastName", "Last Name", T::String),
    f("FirstName", "First Name", T::String),
    f("Salutation", "Salutation", T::Picklist),
    f("Name", "Full Name", T::String),
    f("Title", "Title", T::String),
    f("Company", "Company", T::String),
    f("Street", "Street", T::TextArea),
    f("City", "City", T::String),
    f("State", "State/Province", T::String),
    f("PostalCode", "Zip/Postal Code", T::String),
    f("Country", "Country", T::String),
    f("Phone", "Phone", T::Phone),
    f("MobilePhone", "Mobile Phone", T::Phone),
    f("Fax", "Fax", T::Phone),
    f("Email", "Email", T::Email),
    f("Website", "Website", T::Url),
    FieldDef {
        filterable: false,
        ..f("Description", "Description", T::TextArea)
    },
    f("LeadSource", "Lead Source", T::Picklist),
    f("Status", "Status", T::Picklist),
    f("Industry", "Industry", T::Picklist),
    f("AnnualRevenue", "Annual Revenue", T::Currency),
    f("NumberOfEmployees", "Employees", T::Int),
    f("OwnerId", "Owner ID", T::Reference),
    f("IsConverted", "Converted", T::Boolean),
    f("ConvertedDate", "Converted Date", T::Date),
    f("ConvertedAccountId", "Converted Account ID", T::Reference),
    f("ConvertedContactId", "Converted Contact ID", T::Reference),
    f(
        "ConvertedOpportunityId",
        "Converted Opportunity ID",
        T::Reference,
    ),
    f("IsUnreadByOwner", "Unread By Owner", T::Boolean),
    f("CreatedDate", "Created Date", T::DateTime),
    f("CreatedById", "Created By ID", T::Reference),
    f("LastModifiedDate", "Last Modified Date", T::DateTime),
    f("LastModifiedById", "Last Modified By ID", T::Reference),
    f("SystemModstamp", "System Modstamp", T::DateTime),
    f("LastActivityDate", "Last Activity", T::Date),
    c("Industry_Segment__c", "Industry Segment", T::Picklist),
    c("Lead_Score__c", "Lead Score", T::Double),
    c("Legacy_Ref__c", "Legacy Reference", T::String),
    c("Renewal_Date__c", "Renewal Date", T::Date),
    c("Is_Priority__c", "Priority", T::Boolean),
    c("Preferred_Language__c", "Preferred Language", T::Picklist),
];

/// The field called `name` (case-insensitive, as SOQL is), unless hidden.
pub fn field(name: &str, hidden: &[String]) -> Option<(usize, &'static FieldDef)> {
    FIELDS
        .iter()
        .enumerate()
        .find(|(_, f)| f.name.eq_ignore_ascii_case(name))
        .filter(|(_, f)| !hidden.iter().any(|h| h.eq_ignore_ascii_case(f.name)))
}

/// User ids (`005...`) that own leads; leads without a user owner belong to [`queue_id`].
pub fn user_ids() -> Vec<String> {
    (0..data::OWNERS)
        .map(|i| sf_id18(&format!("0055g00000{}", base36(36 * 36 * 10 + i as u64, 5))))
        .collect()
}

/// The lead queue (`00G...`).
pub fn queue_id() -> String {
    sf_id18("00G5g000000QUE1")
}

/// Account ids leads convert into (a small set so `ConvertedAccountId` filters match several).
pub fn account_id(i: usize) -> String {
    sf_id18(&format!("0015g00000{}", base36(i as u64 + 1, 5)))
}

fn contact_id(i: usize) -> String {
    sf_id18(&format!("0035g00000{}", base36(i as u64 + 1, 5)))
}

fn opportunity_id(i: usize) -> String {
    sf_id18(&format!("0065g00000{}", base36(i as u64 + 1, 5)))
}

/// One lead in Salesforce's shape (every field present, `null` when empty).
pub(crate) fn record(p: &Person) -> Rec {
    let users = user_ids();
    let owner = p.owner.map(|o| users[o].clone()).unwrap_or_else(queue_id);
    let id = sf_id18(&format!("00Q5g00000{}", base36(p.index as u64 + 1296, 5)));
    let status = match (&p.converted, p.status_index % 3) {
        (Some(_), _) => "Closed - Converted",
        (None, 0) => "Open - Not Contacted",
        (None, 1) => "Working - Contacted",
        (None, _) => "Closed - Not Converted",
    };
    let mut r = Rec::default();
    let mut put = |k: &str, v: Value| {
        r.insert(k.to_string(), v);
    };
    put("Id", json!(id));
    put("IsDeleted", json!(false));
    put("LastName", json!(p.last_name));
    put("FirstName", json!(p.first_name));
    put("Salutation", json!(p.salutation));
    put("Name", json!(p.full_name()));
    put("Title", json!(p.title));
    put(
        "Company",
        json!(p.company.clone().unwrap_or_else(|| "[not provided]".into())),
    );
    put("Street", json!(p.street));
    put("City", json!(p.place.as_ref().map(|x| x.city)));
    put("State", json!(p.place.as_ref().and_then(|x| x.state)));
    put("PostalCode", json!(p.place.as_ref().map(|x| x.postal_code)));
    put("Country", json!(p.place.as_ref().map(|x| x.country_name)));
    put("Phone", json!(p.phone(data::PhoneKind::Work)));
    put("MobilePhone", json!(p.phone(data::PhoneKind::Mobile)));
    put("Fax", json!(p.phone(data::PhoneKind::Fax)));
    put("Email", json!(p.email));
    put(
        "Website",
        json!((p.salt % 3 == 0).then(|| format!("https://lead{}.example.com", p.index))),
    );
    put("Description", json!(p.details));
    put("LeadSource", json!(p.source));
    put("Status", json!(status));
    put(
        "Industry",
        json!(["Technology", "Retail", "Manufacturing", "Education"].get((p.salt % 6) as usize)),
    );
    put("AnnualRevenue", json!(p.value.map(|v| v.0 as f64 * 10.0)));
    put("NumberOfEmployees", json!(p.employees));
    put("OwnerId", json!(owner));
    put("IsConverted", json!(p.converted.is_some()));
    put(
        "ConvertedDate",
        json!(p.converted.as_ref().map(|c| data::date(c.at))),
    );
    put(
        "ConvertedAccountId",
        json!(p.converted.as_ref().map(|c| account_id(c.account))),
    );
    put(
        "ConvertedContactId",
        json!(p.converted.as_ref().map(|c| contact_id(c.contact))),
    );
    put(
        "ConvertedOpportunityId",
        json!(p
            .converted
            .as_ref()
            .and_then(|c| c.opportunity.map(opportunity_id))),
    );
    put("IsUnreadByOwner", json!(p.salt % 4 == 0));
    put("CreatedDate", json!(data::sf_datetime(p.created)));
    put("CreatedById", json!(users[p.creator]));
    put("LastModifiedDate", json!(data::sf_datetime(p.modified)));
    put("LastModifiedById", json!(users[p.creator]));
    put("SystemModstamp", json!(data::sf_datetime(p.modified)));
    put("LastActivityDate", json!(p.last_activity.map(data::date)));
    put("Industry_Segment__c", json!(p.segment));
    put("Lead_Score__c", json!(p.score.map(|s| s as f64)));
    put("Legacy_Ref__c", json!(p.legacy_ref));
    put(
        "Renewal_Date__c",
        json!(p.renewal_date.map(|d| d.format("%Y-%m-%d").to_string())),
    );
    put("Is_Priority__c", json!(p.priority));
    put("Preferred_Language__c", json!(p.language));
    r
}

/// `GET .../sobjects/Lead/describe`, without hidden fields.
pub(crate) fn describe(version: &str, hidden: &[String]) -> Value {
    let fields: Vec<Value> = FIELDS
        .iter()
        .filter(|f| !hidden.iter().any(|h| h.eq_ignore_ascii_case(f.name)))
        .map(|f| {
            json!({
                "name": f.name,
                "label": f.label,
                "type": f.ty.api_name(),
                "custom": f.custom,
                "nillable": !matches!(f.name, "Id" | "LastName" | "Company" | "Status" | "IsConverted" | "IsDeleted" | "CreatedDate" | "LastModifiedDate" | "SystemModstamp" | "OwnerId"),
                "filterable": f.filterable,
                "sortable": f.filterable,
                "length": if f.ty.is_text() { 255 } else { 0 },
            })
        })
        .collect();
    json!({
        "name": "Lead",
        "label": "Lead",
        "labelPlural": "Leads",
        "keyPrefix": "00Q",
        "custom": false,
        "queryable": true,
        "fields": fields,
        "urls": {
            "describe": format!("/services/data/{version}/sobjects/Lead/describe"),
            "sobject": format!("/services/data/{version}/sobjects/Lead"),
        },
    })
}
